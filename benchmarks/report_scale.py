#!/usr/bin/env python3
"""How long summary.html + metrics.prom take for a 512-node run, and how big the page is.

A synthetic run directory (tests/report_synthetic.py: 512 nodes x 15 layers x 30 checks, about 230,000
records, one node failing at L03 and blocked above, perftest per rail for 256 pairs and an all_reduce size sweep)
is reported with :func:`bringup.report.artifacts.write_all`, the call the suite makes at the end of a run.

The floor is what any report must do: read results.jsonl and decode every line (json.loads), then write as
many bytes as the report wrote. Printed: the report's time against the floor and against the 10 s target, and
summary.html's size against the 5 MB target (issue 11, Performance).

    python3 benchmarks/report_scale.py [--nodes 512] [--checks 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bringup.report import artifacts  # noqa: E402
from tests.report_synthetic import make_run  # noqa: E402

TARGET_S, TARGET_BYTES = 10.0, 5_000_000


def floor(run: Path, out_bytes: int) -> float:
    start = time.perf_counter()
    with (run / "results.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            json.loads(line)
    (run / "floor.out").write_bytes(b"x" * out_bytes)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=512)
    parser.add_argument("--checks", type=int, default=30, help="checks per node and layer")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bringup-report-scale-") as tmp:
        run = make_run(Path(tmp) / "run", nodes=args.nodes, checks=args.checks)
        records = sum(1 for _ in (run / "results.jsonl").open())
        report_s, floor_s = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            written = artifacts.write_all(run)
            report_s.append(time.perf_counter() - start)
            floor_s.append(floor(run, sum(p.stat().st_size for p in written)))
        html, prom = (p.stat().st_size for p in written)
    report, base = statistics.median(report_s), statistics.median(floor_s)
    print(f"{args.nodes} nodes x 15 layers, {records} records, median of {args.repeat}:")
    print(f"  floor (decode results.jsonl, write the same bytes): {base:.2f} s")
    print(f"  summary.html + metrics.prom: {report:.2f} s = {report / base:.2f}x floor, "
          f"{report / TARGET_S:.2f} of the {TARGET_S:g} s target")
    print(f"  summary.html {html / 1e6:.2f} MB = {html / TARGET_BYTES:.2f} of the 5 MB target; "
          f"metrics.prom {prom / 1e6:.2f} MB")
    return 0 if report < TARGET_S and html < TARGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
