"""``bringup history``: the metrics of earlier runs as a compact table (one line per metric, its last values).

    bringup history --last 7 --metric 'test_benchmark*' --node node03
    bringup history --since 2026-11-01 --metric '*busbw*'
    bringup history --all --node node03     # also the checks that never failed

``--metric`` is a glob on the metric's key (a check's test name with parameters, or a benchmark figure's
``<run id> <metric> <size>``); ``--node`` keeps one node's metrics.
"""

from __future__ import annotations

import argparse
import fnmatch
import math
import sys
import warnings
from pathlib import Path

MAX_SHOWN = 8  # values per line: a week and a day of nightly runs


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("history", help="metrics across earlier runs (reports/ is the history)")
    p.add_argument("--reports-dir", default=None, metavar="DIR", help="where the runs are (default reports/)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--last", type=int, default=None, metavar="N", help="the N most recent runs")
    when.add_argument("--since", default=None, metavar="DATE", help="runs started on or after DATE (UTC)")
    p.add_argument("--metric", default=None, metavar="GLOB", help="metric keys matching GLOB")
    p.add_argument("--node", default=None, metavar="NODE", help="one node's metrics")
    p.add_argument("--all", action="store_true", help="also the checks that passed in every run shown")
    p.set_defaults(func=run)


_CHECK_CELLS = {"passed": "ok", "failed": "FAIL", "error": "ERR", "skipped": "-", "blocked": "blk"}


def _cell(outcome: str, value: float, kind: str) -> str:
    if kind == "bench" and not math.isnan(value):
        return f"{round(value, 2):g}" + ("!" if outcome == "fail" else "~" if outcome == "warn" else "")
    return _CHECK_CELLS.get(outcome, outcome or "?")


def table(frame, width: int = MAX_SHOWN, everything: bool = False) -> list[str]:
    """Lines: a header naming the runs shown, then per metric its values oldest to newest. A 64-node run has
    tens of thousands of checks: unless ``everything``, a check that passed (or was skipped) in every run shown
    is only counted in the last line."""
    if frame.empty:
        return ["no runs with results"]
    runs = frame.drop_duplicates("run_id")[["run_id", "started", "status"]]
    shown = runs.tail(width)
    frame = frame[frame["run_id"].isin(shown["run_id"])]
    lines = [f"{len(runs)} runs, {runs['started'].min():%Y-%m-%d %H:%M} .. {runs['started'].max():%Y-%m-%d %H:%M} UTC; "
             f"columns are the last {len(shown)}:"]
    for i, r in enumerate(shown.itertuples(index=False), 1):
        note = "" if r.status == "finished" else f" ({r.status})"
        lines.append(f"  [{i}] {r.run_id}{note}")
    order = {run: i for i, run in enumerate(shown["run_id"])}
    quiet = 0
    for key, group in frame.groupby(frame["key"].astype(str), sort=True, observed=True):
        cells = ["."] * len(order)
        kind = str(group["kind"].iloc[0])
        if kind == "check" and not everything and not group["outcome"].astype(str).isin(("failed", "error")).any():
            quiet += 1
            continue
        for r in group.itertuples(index=False):
            cells[order[r.run_id]] = _cell(str(r.outcome), r.value, kind)
        unit = str(group["unit"].iloc[0]) if kind == "bench" else ""
        lines.append(f"{key}{' [' + unit + ']' if unit else ''}: {' '.join(cells)}")
    if quiet:
        lines.append(f"{quiet} more checks never failed in these runs (--all lists them)")
    return lines


def run(args: argparse.Namespace) -> int:
    from bringup.history import HistoryWarning, load_history
    from bringup.rundir import REPORTS_ROOT

    reports = Path(args.reports_dir) if args.reports_dir else REPORTS_ROOT
    if not reports.is_dir():
        print(f"bringup history: {reports} is not a directory", file=sys.stderr)
        return 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", HistoryWarning)
        try:
            frame = load_history(reports, since=args.since, last=args.last)
        except ValueError as exc:
            print(f"bringup history: --since {args.since!r}: {exc}", file=sys.stderr)
            return 2
    for w in caught:
        print(f"bringup history: {w.message}", file=sys.stderr)
    if args.node and not frame.empty:
        frame = frame[frame["node"].astype(str) == args.node]
    if args.metric and not frame.empty:
        keys = [k for k in frame["key"].astype(str).unique() if fnmatch.fnmatchcase(k, args.metric)]
        frame = frame[frame["key"].astype(str).isin(keys)]
    for line in table(frame, everything=args.all):
        print(line)
    return 0
