"""``bringup localize RUN_DIR``: replay a recorded run's pair benchmarks offline and print the blame table.

Reads ``RUN/bench/<run>/`` (launch.json says which case, nodes and rail; output.json goes through the tool's
parser), the re-tests and bisection runs the suite recorded (``<run>@retest``, ``<run>@bisect-*``; a run
recorded without them leaves its suspects inconclusive), ``bench/verdicts.csv`` for the baseline limits,
``inventory/`` for the cabling plan and ``probes/<node>/l03.json`` for the LLDP neighbours. Contacts nothing.
Exit 0: nothing blamed; 1: blames printed; 2: not a usable run directory (one line naming what is missing).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bringup.bench import catalogue
from bringup.bench.plan import Planned
from bringup.bench.store import BenchStore, BenchStoreError, Recorded
from bringup.localize import table
from bringup.localize.pipeline import CaseResult, localize_case, localize_collective_case
from bringup.localize.recorded import CASES, COLLECTIVES, RETEST


class RunDirUnusable(Exception):
    pass


def _first_pass(run_dir: Path, cluster) -> dict[str, list[tuple[Planned, Recorded]]]:
    store = BenchStore(run_dir)
    nodes = {n.name: n for n in cluster.nodes}
    known = {c.id: c for c in catalogue.default().benchmarks}
    found: dict[str, list[tuple[Planned, Recorded]]] = {}
    for launch_file in sorted(store.root.glob("*/launch.json")):
        run_id = launch_file.parent.name
        if run_id.endswith(f"@{RETEST}") or "@bisect-" in run_id:
            continue
        try:
            launch = json.loads(launch_file.read_text())
        except (OSError, ValueError) as exc:
            raise RunDirUnusable(f"{launch_file}: unreadable launch record: {exc}") from None
        case_id = launch.get("case") if isinstance(launch, dict) else None
        if (case_id not in CASES and case_id not in COLLECTIVES) or case_id not in known:
            continue
        names = launch.get("nodes") or []
        missing = [n for n in names if n not in nodes]
        if missing:
            raise RunDirUnusable(f"{launch_file}: nodes {', '.join(map(str, missing))} are not in the recorded "
                                 f"inventory ({run_dir / 'inventory'})")
        planned = Planned(known[case_id], tuple(nodes[n] for n in names), launch.get("rail"))
        if planned.id != run_id:
            raise RunDirUnusable(f"{launch_file}: records {planned.id!r}, but its folder is {run_id!r}")
        record = store.read(run_id)
        if record is not None:
            found.setdefault(case_id, []).append((planned, record))
    return found


def localize_run(run_dir: Path) -> list[CaseResult]:
    """Every localized case of a recorded run, from its records alone."""
    from bringup.inventory import InventoryError, load_recorded

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunDirUnusable(f"{run_dir}: no such run directory")
    if not (run_dir / "bench").is_dir():
        raise RunDirUnusable(f"{run_dir}: no bench/ folder: the run recorded no benchmarks (expected a run "
                             f"directory written by `pytest suites/` with benchmarks)")
    if not (run_dir / "inventory").is_dir():
        raise RunDirUnusable(f"{run_dir}: no inventory/ folder (expected the inventory copy every run writes)")
    try:
        cluster = load_recorded(run_dir / "inventory")
    except InventoryError as exc:
        raise RunDirUnusable(str(exc)) from None
    store = BenchStore(run_dir)
    try:
        first = _first_pass(run_dir, cluster)
        judged = store.read_table("verdicts")
        recorded = lambda planned: {p.id: store.read(p.id) for p in planned}  # noqa: E731
        results = [localize_case(case_id, runs, judged, recorded, cluster, run_dir)
                   for case_id, runs in first.items() if case_id in CASES]
        results += [localize_collective_case(run, record, judged, recorded, cluster, run_dir)
                    for case_id, runs in first.items() if case_id in COLLECTIVES for run, record in runs]
        return results
    except BenchStoreError as exc:
        raise RunDirUnusable(str(exc)) from None


def _cmd(args: argparse.Namespace) -> int:
    try:
        results = localize_run(Path(args.run_dir))
    except RunDirUnusable as exc:
        print(f"bringup localize: {exc}", file=sys.stderr)
        return 2
    if not results:
        print(f"bringup localize: {args.run_dir}: no pair benchmark to localize "
              f"(recorded cases: none of {', '.join(CASES)})")
        return 0
    blames = [(r.case, b) for r in results for b in r.blames]
    for result in results:
        print(f"{result.case}: {result.summary}")
    print(table.text(blames))
    return 1 if blames else 0


def register(subparsers) -> None:
    p = subparsers.add_parser("localize", help="replay a run's pair benchmarks offline and print the blame table")
    p.add_argument("run_dir", help="a run directory (reports/<run-id>)")
    p.set_defaults(func=_cmd)
