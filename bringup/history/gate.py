"""The regression gate: a run's figures and checks judged against the runs before it (pure decision logic).

Entry point for scripts and other tools (the lab's proof runs call it on a reports folder)::

    from bringup.history import load_history
    from bringup.history.gate import judge_run, load_policy
    frame = load_history("reports")
    for finding in judge_run(frame, run_id, load_policy(), reports_dir="reports"):
        print(finding.key, finding.status, finding.message)

:func:`judge_run` returns the run's findings: every benchmark figure that **regressed** (worse than the
trailing window's median by more than ``k_sigma`` robust sigmas, sigma = 1.4826 * MAD floored at
``sigma_floor_pct`` of the median, AND by more than ``min_delta_pct``; latencies regress upward), every check
that is a **new failure** (passed in the latest earlier run that ran it) or **still failing** (since the run
named), each with what changed in the recorded versions since the last green run when ``reports_dir`` is
given (:mod:`bringup.history.versions`). Figures with a window shorter than ``min_window`` get no judgement
(:func:`judge_figure` says why). The thresholds are data: ``bringup/history/policy.yml``.

``pytest suites/ --compare-history [N | since:DATE]`` applies the same functions while a run goes
(:mod:`bringup.history.gate_plugin`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from bringup.bench.baselines import LOWER_IS_BETTER, format_size

POLICY_FILE = Path(__file__).with_name("policy.yml")
MAD_TO_SIGMA = 1.4826  # 1 / Phi^-1(3/4): MAD of normal noise times this is its standard deviation
FAILED = ("failed", "error")
UNDECIDED = ("skipped", "blocked", "")


@dataclass(frozen=True)
class Policy:
    window_runs: int = 7
    min_window: int = 5
    k_sigma: float = 3.5
    min_delta_pct: float = 5.0
    sigma_floor_pct: float = 0.5
    action: str = "fail"
    per_benchmark: dict = field(default_factory=dict)

    def for_benchmark(self, benchmark: str) -> "Policy":
        return replace(self, **(self.per_benchmark.get(benchmark) or {}))


def load_policy(path: Path = POLICY_FILE) -> Policy:
    data = yaml.safe_load(Path(path).read_text()) or {}
    unknown = set(data) - set(Policy.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{path}: unknown gate policy keys {', '.join(sorted(unknown))}")
    policy = Policy(**data)
    if policy.action not in ("warn", "fail"):
        raise ValueError(f"{path}: action must be warn or fail, not {policy.action!r}")
    if policy.min_window < 3 or policy.window_runs < policy.min_window:
        raise ValueError(f"{path}: need 3 <= min_window <= window_runs")
    return policy


@dataclass(frozen=True)
class Window:
    """Which earlier runs a figure is compared with: the last ``runs`` that measured it, or all since ``since``."""

    runs: int | None = None
    since: pd.Timestamp | None = None

    @classmethod
    def parse(cls, text: str | None, policy: Policy) -> "Window":
        """``None``/"" -> the policy's window; "10" -> last 10 runs; "since:2026-11-01" -> since that date."""
        if not text:
            return cls(runs=policy.window_runs)
        if text.startswith("since:"):
            try:
                ts = pd.Timestamp(text.removeprefix("since:"))
            except ValueError:
                raise ValueError(f"--compare-history {text!r}: expected since:YYYY-MM-DD") from None
            return cls(since=ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC"))
        try:
            runs = int(text)
        except ValueError:
            raise ValueError(f"--compare-history {text!r}: expected a number of runs or since:YYYY-MM-DD") from None
        if runs < 1:
            raise ValueError(f"--compare-history {text!r}: the number of runs must be at least 1")
        return cls(runs=runs)

    def select(self, earlier: pd.DataFrame) -> pd.DataFrame:
        """``earlier``: one key's earlier rows with a value, oldest first."""
        if self.since is not None:
            return earlier[earlier["started"] >= self.since]
        return earlier.tail(self.runs or 0)


@dataclass(frozen=True)
class Finding:
    key: str
    kind: str                 # bench | check
    status: str               # regressed | ok | no-judgement | new failure | still failing
    message: str
    run_id: str
    last_green: str | None = None   # the run whose versions "what changed" compares with
    since: str | None = None        # still failing since
    median: float | None = None
    values: tuple[float, ...] = ()
    runs: tuple[str, ...] = ()
    changed: str = ""

    @property
    def alarm(self) -> bool:
        return self.status in ("regressed", "new failure", "still failing")

    def with_changed(self, changed: str) -> "Finding":
        if not changed:
            return self
        return replace(self, changed=changed,
                       message=f"{self.message}; changed since {self.last_green}: {changed}")

    def properties(self) -> list[tuple[str, str]]:
        """JUnit/results properties: the status, the window's figures, what changed."""
        props = [("history", self.status if self.status != "still failing" else f"still failing since {self.since}")]
        if self.median is not None:
            props.append(("history_median", _num(self.median)))
        if self.kind == "bench" and self.values:
            props += [("history_values", ",".join(_num(v) for v in self.values)), ("history_runs", ",".join(self.runs))]
        if self.status in ("regressed", "no-judgement"):
            props.append(("history_message", self.message))
        if self.last_green:
            props.append(("history_last_green", self.last_green))
        if self.changed:
            props.append(("changed", self.changed))
        return props


def _num(x: float | None) -> str:
    return "" if x is None else f"{round(float(x), 2):g}"


def judge_figure(key: str, run_id: str, value: float, metric: str, size: float, unit: str,
                 window: pd.DataFrame, policy: Policy) -> Finding:
    """One figure against its window (``window``: rows with ``value`` and ``run_id``, oldest first)."""
    values = window["value"].to_numpy(dtype=float)
    runs = tuple(str(r) for r in window["run_id"])
    what = f"{metric} {format_size(int(size))} {_num(value)} {unit}".rstrip()
    if len(values) < policy.min_window:
        return Finding(key, "bench", "no-judgement",
                       f"{what}: no judgement, only {len(values)} earlier runs measured it (policy min_window "
                       f"{policy.min_window})", run_id, values=tuple(values), runs=runs)
    median = float(np.median(values))
    sigma = max(MAD_TO_SIGMA * float(np.median(np.abs(values - median))), abs(median) * policy.sigma_floor_pct / 100)
    lower_better = metric in LOWER_IS_BETTER
    worse = (value - median) if lower_better else (median - value)
    pct = 100 * worse / abs(median) if median else 0.0
    threshold = max(policy.k_sigma * sigma, abs(median) * policy.min_delta_pct / 100)
    regressed = worse > threshold
    ok_values = values >= median - threshold if not lower_better else values <= median + threshold
    green = next((r for r, ok in zip(reversed(runs), reversed(ok_values)) if ok), None)
    word = "over" if lower_better else "under"
    n = len(values)
    span = f"runs {runs[0]}..{runs[-1]}" if n > 1 else f"run {runs[0]}"
    message = (f"{what} is {abs(pct):.1f}% {word if worse >= 0 else ('under' if lower_better else 'over')} "
               f"the last {n} runs' median {_num(median)} ({_num(values.min())}..{_num(values.max())}; {span})")
    if regressed:
        message += (f": regressed (more than {policy.k_sigma:g} robust sigma {_num(sigma)} "
                    f"and {policy.min_delta_pct:g}%)")
    return Finding(key, "bench", "regressed" if regressed else "ok", message, run_id, last_green=green,
                   median=median, values=tuple(values), runs=runs)


def judge_check(key: str, run_id: str, outcome: str, earlier: pd.DataFrame) -> Finding | None:
    """A failing check against its earlier outcomes (``earlier``: rows with ``outcome`` and ``run_id``, oldest
    first). None when it passes now or never ran before; skipped and blocked runs are stepped over."""
    if outcome not in FAILED:
        return None
    decided = earlier[~earlier["outcome"].astype(str).isin(UNDECIDED)]
    if decided.empty:
        return None
    outcomes, runs = decided["outcome"].astype(str).tolist(), decided["run_id"].astype(str).tolist()
    if outcomes[-1] not in FAILED:
        return Finding(key, "check", "new failure", f"new failure: passed in {runs[-1]}", run_id,
                       last_green=runs[-1])
    i = len(outcomes) - 1
    while i > 0 and outcomes[i - 1] in FAILED:
        i -= 1
    green = runs[i - 1] if i > 0 else None
    return Finding(key, "check", "still failing", f"still failing since {runs[i]}", run_id, last_green=green,
                   since=runs[i])


def index_by_key(history: pd.DataFrame) -> dict[str, np.ndarray]:
    """key -> row positions in ``history``: built once, so a run judged item by item (a live run's
    benchmark cases and failing checks) does not scan a year of rows per item."""
    if history.empty:
        return {}
    groups = history.groupby(history["key"].astype(str), sort=False, observed=True)
    return {str(k): v for k, v in groups.indices.items()}


def judge_rows(history: pd.DataFrame, rows: pd.DataFrame, run_id: str, started: pd.Timestamp,
               policy: Policy, window: Window | None = None,
               positions: dict[str, np.ndarray] | None = None) -> list[Finding]:
    """Every row of ``rows`` (history-shaped: key, kind, value, metric, size, unit, benchmark, outcome)
    against the ``history`` rows of runs started before ``started`` (other runs only). ``positions``:
    :func:`index_by_key` of ``history``, when the caller judges many times against one history."""
    window = window or Window(runs=policy.window_runs)
    if rows.empty or history.empty:
        return []
    if positions is None:
        keys = set(rows["key"].astype(str))
        positions = index_by_key(history[history["key"].astype(str).isin(keys)].reset_index(drop=True))
        history = history[history["key"].astype(str).isin(keys)].reset_index(drop=True)
    findings = []
    for row in rows.itertuples(index=False):
        if row.kind != "bench" and str(row.outcome) not in FAILED:
            continue  # a passing check has no history finding
        found = positions.get(str(row.key))
        if found is None:
            continue
        earlier = history.iloc[found]
        earlier = earlier[(earlier["started"] < started) & (earlier["run_id"].astype(str) != run_id)]
        if earlier.empty:
            continue
        earlier = earlier.sort_values("started", kind="stable")
        if row.kind == "bench":
            if not np.isfinite(row.value):
                continue
            measured = window.select(earlier[np.isfinite(earlier["value"].to_numpy(dtype=float))])
            findings.append(judge_figure(str(row.key), run_id, float(row.value), str(row.metric), row.size,
                                         str(row.unit), measured, policy.for_benchmark(str(row.benchmark))))
        else:
            found = judge_check(str(row.key), run_id, str(row.outcome), window.select(earlier)
                                if window.since is not None else earlier)
            if found is not None:
                findings.append(found)
    return findings


def judge_run(history: pd.DataFrame, run_id: str, policy: Policy | None = None, window: Window | None = None,
              reports_dir: Path | None = None) -> list[Finding]:
    """The alarms of one run of ``history`` (regressions, new failures, still failing), with what changed
    since each one's last green run when ``reports_dir`` holds the runs."""
    policy = policy or load_policy()
    mine = history[history["run_id"].astype(str) == run_id]
    if mine.empty:
        raise ValueError(f"run {run_id} is not in the history")
    started = mine["started"].iloc[0]
    found = [f for f in judge_rows(history, mine, run_id, started, policy, window) if f.alarm]
    if reports_dir is not None:
        found = attach_changes(found, history, Path(reports_dir), run_dir=str(mine["run_dir"].iloc[0]))
    return found


def attach_changes(findings: list[Finding], history: pd.DataFrame, reports_dir: Path, run_dir: str,
                   current: dict[str, Any] | None = None) -> list[Finding]:
    """Each finding with "changed since <last green run>: ..." (versions diff); reads each run's versions
    once."""
    from bringup.history import versions

    dirs = dict(zip(history["run_id"].astype(str), history["run_dir"].astype(str))) if not history.empty else {}
    cache: dict[str, dict] = {}

    def of(name: str) -> dict:
        if name not in cache:
            cache[name] = versions.read(reports_dir / name)
        return cache[name]

    now = current if current is not None else of(run_dir)
    out = []
    for f in findings:
        green = dirs.get(f.last_green or "")
        out.append(f.with_changed(versions.diff(of(green), now)) if green and f.alarm else f)
    return out
