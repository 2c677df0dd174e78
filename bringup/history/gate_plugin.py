"""``--compare-history [N | since:DATE]``: the regression gate in a suite run, and ``RUN/versions.json``.

- A failing check gets the properties ``history`` ("new failure" / "still failing since <run>") and
  ``changed`` (what changed since its last green run), so both reach results.jsonl and junit.xml.
- A benchmark item's verdict is amended by :meth:`HistoryGate.amend` (called from
  :mod:`bringup.bench.suite`): a regressed figure fails the item, or warns, as ``bringup/history/policy.yml``
  says, with the window's figures as properties.
- Every run writes ``versions.json`` at the end (:mod:`bringup.history.versions`), with or without the option.

History is ``--reports-dir`` (default ``reports/``), loaded once per process on first use; the run being
written is left out of it.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path

import pandas as pd
import pytest

from bringup.history import gate, rows, versions

GATE = pytest.StashKey["HistoryGate | None"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bringup", "bringup acceptance suites")
    group.addoption("--compare-history", nargs="?", const="", default=None, metavar="N|since:DATE",
                    help="compare with earlier runs in --reports-dir: benchmark regressions (robust median/MAD, "
                         "bringup/history/policy.yml), new and persisting check failures (default window: "
                         "the policy's last 7 runs)")


class HistoryGate:
    def __init__(self, reports_dir: Path, window_text: str, state) -> None:
        self.reports_dir = reports_dir
        self.policy = gate.load_policy()
        self.window = gate.Window.parse(window_text, self.policy)
        self.state = state
        self._history: pd.DataFrame | None = None
        self._positions: dict = {}
        self.notes: list[str] = []  # unreadable runs skipped while loading (HistoryWarning)
        self._lock = threading.Lock()

    @property
    def run_dir(self) -> Path | None:
        return self.state.run.path if self.state.run else None

    def history(self) -> pd.DataFrame:
        with self._lock:
            if self._history is None:
                from bringup.history import load_history

                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    frame = load_history(self.reports_dir)
                self.notes = [str(w.message) for w in caught]
                if not frame.empty and self.run_dir is not None:
                    frame = frame[frame["run_dir"].astype(str) != self.run_dir.name].reset_index(drop=True)
                self._positions = gate.index_by_key(frame)
                self._history = frame
            return self._history

    def _now(self) -> tuple[str, pd.Timestamp]:
        run_id = self.run_dir.name if self.run_dir else "current"
        started = self.state.run.meta.get("started") if self.state.run else None
        return run_id, (pd.Timestamp(float(started), unit="s", tz="UTC") if started else pd.Timestamp.now(tz="UTC"))

    def _with_changes(self, findings: list[gate.Finding]) -> list[gate.Finding]:
        if self.run_dir is None:
            return findings
        current = self._current_versions()
        return gate.attach_changes(findings, self.history(), self.reports_dir, self.run_dir.name, current)

    def _current_versions(self) -> dict:
        """This run's versions from the probes recorded so far, parsed again only when a recording changed
        (a 64-node run can have hundreds of failing checks)."""
        stamp = tuple(sorted((str(p), p.stat().st_mtime_ns) for p in (self.run_dir / "probes").glob("*/l*.json")))
        if getattr(self, "_versions_stamp", None) != stamp:
            self._versions_stamp, self._versions = stamp, versions.collect(self.run_dir)
        return self._versions

    def check(self, key: str, outcome: str) -> gate.Finding | None:
        run_id, started = self._now()
        frame = pd.DataFrame({"key": [key], "kind": ["check"], "value": [float("nan")], "metric": [""],
                              "size": [float("nan")], "unit": [""], "benchmark": [""], "outcome": [outcome]})
        found = gate.judge_rows(self.history(), frame, run_id, started, self.policy, self.window, self._positions)
        return self._with_changes(found)[0] if found else None

    def amend(self, run, folded, judged: pd.DataFrame | None):
        """A benchmark case's verdict (:class:`bringup.bench.verdict.CaseVerdict`) with its judged rows'
        history findings: properties always, and the outcome/message changed on a regression."""
        from dataclasses import replace

        if judged is None or judged.empty:
            return folded
        cols = rows.empty_columns()
        rows.bench_rows(judged.to_dict("records"), {run.id: run.layer}, cols)
        frame = pd.DataFrame({k: v for k, v in cols.items() if v or k in ("key",)})
        frame = frame[frame["outcome"].isin(("pass", "warn", "fail"))]
        run_id, started = self._now()
        findings = gate.judge_rows(self.history(), frame, run_id, started, self.policy, self.window,
                                   self._positions)
        regressed = self._with_changes([f for f in findings if f.status == "regressed"])
        props = list(folded.properties)
        shown = regressed or findings[:1]  # the headline finding's figures when nothing regressed
        for f in shown:
            props += f.properties()
        amended = replace(folded, properties=tuple(props))
        if not regressed:
            return amended
        messages = [f.message for f in regressed]
        action = self.policy.for_benchmark(str(judged["benchmark"].iloc[0])).action
        if action == "fail":
            message = "; ".join(([folded.message] if folded.outcome == "fail" and folded.message else []) + messages)
            return replace(amended, outcome="fail", message=message)
        outcome = folded.outcome if folded.outcome == "fail" else "warn"
        return replace(amended, outcome=outcome, warnings=tuple(folded.warnings) + tuple(messages),
                       message=folded.message if outcome == "fail" else "; ".join(messages))


def session_gate(config: pytest.Config) -> HistoryGate | None:
    """The run's gate, or None without --compare-history (or outside a suite run)."""
    if GATE in config.stash:
        return config.stash[GATE]
    from bringup.plugin import STATE
    from bringup.rundir import REPORTS_ROOT

    state = config.stash.get(STATE, None)
    text = config.getoption("compare_history", None)
    found = None
    if state is not None and text is not None:
        try:
            found = HistoryGate(Path(config.getoption("reports_dir") or REPORTS_ROOT), text, state)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
    config.stash[GATE] = found
    return found


@pytest.hookimpl(tryfirst=True)  # before bringup.plugin creates the run directory
def pytest_configure(config: pytest.Config) -> None:
    text = config.getoption("compare_history", None)
    if text is not None:
        try:
            gate.Window.parse(text, gate.load_policy())
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed and "bench_run" not in getattr(getattr(item, "callspec", None), "params", {}):
        found_gate = session_gate(item.config)
        if found_gate is not None and dict(report.user_properties).get("layer") is not None:
            name = report.nodeid.partition("::")[2]
            found = found_gate.check(rows.check_key(name), "error" if report.when != "call" else "failed")
            if found is not None:
                report.user_properties.extend(found.properties())
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    from bringup.plugin import STATE

    state = session.config.stash.get(STATE, None)
    if state is None or state.run is None or hasattr(session.config, "workerinput"):
        return
    try:
        versions.write(state.run.path)
    except OSError as exc:  # disk full: said with the run's other write errors
        state.run.write_errors.append(f"{state.run.path / versions.FILENAME}: not written: {exc.strerror or exc}")


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    found = config.stash.get(GATE, None)
    if found is None:
        return
    for note in found.notes:
        terminalreporter.write_line(f"history: {note}", yellow=True)
