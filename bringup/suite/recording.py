"""A suite run's results: one record per check in results.jsonl as it finishes, junit.xml rewritten every few
seconds and at the end, meta.json's final status, and the terminal's layer x node table.

Only the controller records: an xdist worker's reports reach it through ``pytest_runtest_logreport``.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from bringup.designs import LAYERS
from bringup.gating import BLOCKED_PREFIX
from bringup.report import junit, summary
from bringup.rundir import FINISHED, INTERRUPTED, read_results
from bringup.suite.session import STATE, State

JUNIT_EVERY_S = 2.0  # during a run, junit.xml is rewritten from results.jsonl at most this often


def outcome(report: pytest.TestReport) -> tuple[str, str]:
    """(passed|failed|error|skipped|blocked, the one-line reason) of a report."""
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        return ("blocked" if reason.startswith(BLOCKED_PREFIX) else "skipped"), reason
    if report.failed:
        crash = getattr(getattr(report.longrepr, "reprcrash", None), "message", None) or report.longreprtext
        # "bringup.probe.transport.NodeUnreachable: node03 unreachable: ..." reads better without the class.
        crash = re.sub(r"^(?:bringup\.[\w.]+|AssertionError|Failed): ", "", crash)
        return ("error" if report.when != "call" else "failed"), crash
    return "passed", ""


def record_of(report: pytest.TestReport) -> dict | None:
    """The result record of a suite item's report, or None: a report of a non-suite item (no ``layer``
    property), or of a phase that decides nothing (a passed setup or teardown)."""
    props = dict(report.user_properties)
    if "layer" not in props:
        return None
    if not (report.when == "call" or (report.when == "setup" and not report.passed)
            or (report.when == "teardown" and report.failed)):
        return None
    found, message = outcome(report)
    path, _, name = report.nodeid.partition("::")
    return {
        "nodeid": report.nodeid,
        "name": name,
        "classname": path.removesuffix(".py").replace("/", "."),
        "outcome": found,
        "message": message,
        "duration": round(report.duration, 4),
        "when": report.when,
        **props,
    }


class ResultRecorder:
    """A plugin object registered by the controller of a run that writes a run directory: the report hook
    has no ``config`` argument, so the recorder holds it (the state stays in ``config.stash``)."""

    NAME = "bringup-results"

    def __init__(self, config: pytest.Config):
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = record_of(report)
        if record is None:
            return
        state = self.config.stash[STATE]
        state.records.append(record)
        state.run.append_result(record)  # a failed write (disk full) is kept in run.write_errors, never raised
        if time.time() - state.junit_written > JUNIT_EVERY_S:
            write_junit(state)


def write_junit(state: State) -> None:
    state.junit_written = time.time()
    try:
        junit.write(read_results(state.run.path), state.run.meta.get("run_id", state.run.path.name),
                    state.run.path / "junit.xml")
    except OSError as exc:  # disk full: the previous junit.xml stays; said at the end of the run
        error = f"{state.run.path / 'junit.xml'}: not updated: {exc.strerror or exc}"
        if error not in state.run.write_errors:
            state.run.write_errors.append(error)


def finish(session: pytest.Session, state: State, exitstatus: int) -> None:
    """The final junit.xml and meta.json (status, exit status, counts per outcome); a run directory that
    could not be written in full makes a green run an internal error."""
    write_junit(state)
    counts: dict[str, int] = {}
    for record in state.records:
        counts[record["outcome"]] = counts.get(record["outcome"], 0) + 1
    status = INTERRUPTED if exitstatus == pytest.ExitCode.INTERRUPTED else FINISHED
    state.run.finish(status, exit_status=int(exitstatus), counts=counts)
    if state.run.write_errors and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR  # the report is incomplete: not a green run


def terminal_summary(tr: Any, state: State) -> None:
    """The "bringup" section: layers the design leaves out, the layer x node table, the run directory."""
    design = state.cluster.design
    tr.section("bringup")
    for layer in LAYERS:
        if layer.number not in design.layers:
            tr.write_line(f"L{layer.number:02d} {layer.slug}: not in design {design.id} ({design.slug})")
    for line in summary.layer_node_table(state.records):
        tr.write_line(line)
    tr.write_line(f"run directory: {state.run.path}")
    for error in state.run.write_errors:  # disk full or read-only mid-run: what was written is kept
        tr.write_line(f"run directory incomplete: {error}", red=True)
