"""One benchmark case's verdict from its judged rows, its counters and how its launch ended (pure).

The judge (:mod:`bringup.bench.judge`) gives every measured figure an outcome against ``baselines/``; a case
is one pytest item, so its rows fold into one verdict here:

- the launch failed (node unreachable, launcher refused, binary missing, killed at its timeout) or the output
  did not parse (an aborted run quotes its cause): **fail**, with that message;
- a watch-list counter moved (a lossless-class discard, a pause storm, out_of_sequence): **fail**, even when
  every figure passes (architecture.md "Benchmarks are cluster actions");
- any figure failed its baseline: **fail**, naming each;
- otherwise any figure in its warn band: **warn** (a pass that is recorded, with a JUnit property);
- nothing had a baseline: **no-baseline** (the suite skips it; ``--strict-baselines`` has made the judge fail
  such rows already);
- else **pass**.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

MAX_LISTED = 4


@dataclass(frozen=True)
class CaseVerdict:
    outcome: str  # pass | warn | fail | no-baseline | not-recorded (a replayed run without benchmarks)
    message: str
    measured: str | None = None
    reference: str | None = None
    unit: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    pct_of_physical: float | None = None  # the headline figure against the line rate / NVLink ceiling
    properties: tuple[tuple[str, str], ...] = ()  # extra JUnit properties (the history gate's figures)


def _listed(messages: list[str]) -> str:
    shown = messages[:MAX_LISTED]
    more = len(messages) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _headline(judged: pd.DataFrame) -> tuple[str | None, str | None, str | None, float | None]:
    """The figure a reader looks at first: the largest judged size (peak bandwidth, or the latency row)."""
    rows = judged[judged["outcome"].isin(("pass", "warn", "fail"))]
    if rows.empty:
        rows = judged
    if rows.empty:
        return None, None, None, None
    row = rows.sort_values("size", kind="stable").iloc[-1]
    reference, physical = row.get("reference"), row.get("pct_of_physical")
    return (f"{row['value']:g}", None if pd.isna(reference) else f"{reference:g}", str(row["unit"]),
            None if physical is None or pd.isna(physical) else round(float(physical), 1))


def fold(judged: pd.DataFrame | None, *, launch_error: str | None = None,
         counter_failures: list[str] | None = None) -> CaseVerdict:
    if launch_error:
        return CaseVerdict("fail", launch_error)
    if judged is None or judged.empty:
        judged = pd.DataFrame(columns=["outcome", "message", "size", "value", "unit", "reference"])
    measured, reference, unit, physical = _headline(judged)
    problems = list(counter_failures or [])
    failed = judged[judged["outcome"] == "fail"]["message"].tolist()
    warned = tuple(judged[judged["outcome"] == "warn"]["message"].tolist())
    if failed or problems:
        return CaseVerdict("fail", _listed(failed + problems), measured, reference, unit, warned, physical)
    if judged.empty:
        return CaseVerdict("fail", "the benchmark printed no result rows", None, None, None)
    if warned:
        return CaseVerdict("warn", _listed(list(warned)), measured, reference, unit, warned, physical)
    if (judged["outcome"] == "no-baseline").all():
        return CaseVerdict("no-baseline", _listed(judged["message"].tolist()), measured, reference, unit)
    return CaseVerdict("pass", "", measured, reference, unit, pct_of_physical=physical)
