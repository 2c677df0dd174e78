#!/usr/bin/env python3
"""Loading a year of nightly runs: ``bringup.history.load_history`` cold (no cache), warm, and after one new run,
against a floor: reading every run's JSON lines and CSV rows with json/csv and building nothing.

The runs are synthetic but made of real records: the recorded 2-node H100 scenario (tests/scenarios/h100) is
replayed once through ``pytest suites/``, and node01's check records and judged benchmark rows become each
node's records (node01 -> nodeNN, node02 -> its successor), so a night of 64 nodes holds the suite's real
record mix (~270 checks and ~37 judged figures per node). Benchmark figures get 1% noise per night.
Issue 11 asks for a warm load under 2 s for 365 nights of 64 nodes.

    python3 benchmarks/history_load.py --runs 365 --nodes 64
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bringup.history import load_history  # noqa: E402

TARGET_WARM_S = 2.0
DAY = 86400.0


def templates(work: Path) -> tuple[list[str], list[dict], list[str]]:
    """node01's result lines, its judged benchmark rows and the verdicts.csv header, from a real replay."""
    from tests.scenario_tools import build_healthy, latest_run

    run = build_healthy("h100", work / "recorded")
    reports = work / "replayed"
    subprocess.run([sys.executable, "-m", "pytest", "suites/", "--replay", str(run), "--reports-dir", str(reports),
                    "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, check=False, timeout=900)
    replayed = latest_run(reports)
    lines = [line for line in (replayed / "results.jsonl").read_text().splitlines()
             if json.loads(line).get("node") == "node01"]
    with (replayed / "bench" / "verdicts.csv").open(newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = [r for r in reader if "@node01" in r["case"]]
    return lines, rows, header


def write_runs(reports: Path, runs: int, nodes: int, lines: list[str], rows: list[dict], header: list[str]) -> None:
    rng = random.Random(11)
    block = "\n".join(lines).replace("node01", "\x00A").replace("node02", "\x00B")
    names = [f"node{i:02d}" for i in range(1, nodes + 1)]
    night_text = "\n".join(block.replace("\x00A", n).replace("\x00B", names[(i + 1) % nodes])
                           for i, n in enumerate(names)) + "\n"
    start = 1767225600.0  # 2026-01-01T00:00:00Z
    for night in range(runs):
        run_id = f"{time.strftime('%Y%m%d-020000', time.gmtime(start + night * DAY))}-prod-{night:04x}"
        run = reports / run_id
        (run / "bench").mkdir(parents=True)
        status = "interrupted" if night % 97 == 50 else "finished"
        (run / "meta.json").write_text(json.dumps({"run_id": run_id, "status": status,
                                                   "started": start + night * DAY + 7200,
                                                   "ended": start + night * DAY + 9000,
                                                   "inventory_digest": "abd46f5e544cd399"}))
        (run / "results.jsonl").write_text(night_text)
        out = io.StringIO()
        writer = csv.DictWriter(out, header)
        writer.writeheader()
        for i, name in enumerate(names):
            peer = names[(i + 1) % nodes]
            for r in rows:
                r2 = {k: v.replace("node01", "\x00A").replace("node02", "\x00B").replace("\x00A", name)
                      .replace("\x00B", peer) for k, v in r.items()}
                r2["value"] = f"{float(r['value']) * (1 + rng.gauss(0, 0.01)):.2f}"
                writer.writerow(r2)
        (run / "bench" / "verdicts.csv").write_text(out.getvalue())


def floor(reports: Path) -> float:
    """Read every run's meta.json, results.jsonl (json.loads per line) and verdicts.csv rows: no frame."""
    t0 = time.perf_counter()
    n = 0
    for run in sorted(p for p in reports.iterdir() if not p.name.startswith(".")):
        json.loads((run / "meta.json").read_text())
        for line in (run / "results.jsonl").read_text().split("\n"):
            if line:
                json.loads(line)
                n += 1
        with (run / "bench" / "verdicts.csv").open(newline="") as fh:
            n += sum(1 for _ in csv.DictReader(fh))
    return time.perf_counter() - t0


def timed(reports: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    frame = load_history(reports)
    return time.perf_counter() - t0, len(frame)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=365)
    ap.add_argument("--nodes", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=3, help="warm loads (the median is reported)")
    args = ap.parse_args()
    warnings.simplefilter("error")  # a synthetic run that does not load is a bug here
    work = Path(tempfile.mkdtemp(prefix="bringup-history-bench-"))
    try:
        lines, rows, header = templates(work)
        reports = work / "reports"
        t0 = time.perf_counter()
        write_runs(reports, args.runs, args.nodes, lines, rows, header)
        print(f"{args.runs} runs x {args.nodes} nodes written in {time.perf_counter() - t0:.1f} s "
              f"({len(lines)} check records and {len(rows)} judged figures per node)")
        floor_s = floor(reports)
        cold_s, n = timed(reports)
        warm = [timed(reports)[0] for _ in range(args.repeat)]
        warm_s = statistics.median(warm)
        extra = reports / "99999999-020000-prod-new"
        shutil.copytree(sorted(p for p in reports.iterdir() if not p.name.startswith("."))[-1], extra)
        meta = json.loads((extra / "meta.json").read_text())
        meta.update(run_id=extra.name, started=meta["started"] + DAY)
        (extra / "meta.json").write_text(json.dumps(meta))
        added_s, n_added = timed(reports)
        print(f"rows: {n} ({n_added} after one more run)")
        print(f"floor (json.loads + csv rows, no frame): {floor_s:.2f} s")
        print(f"cold load (no cache):       {cold_s:.2f} s  = {cold_s / floor_s:.2f}x floor")
        print(f"warm load (median of {args.repeat}):   {warm_s:.2f} s  = {warm_s / floor_s:.3f}x floor "
              f"(target < {TARGET_WARM_S:g} s: {'met' if warm_s < TARGET_WARM_S else 'NOT met'})")
        print(f"one run added, then load:   {added_s:.2f} s  = {added_s / floor_s:.3f}x floor")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
