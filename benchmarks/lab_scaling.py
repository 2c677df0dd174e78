"""Suite wall time on the lab for 2, 4, 8 and 16 nodes: how the probe fan-out scales with cluster size.

For each size: ``bringup lab up --force --nodes N --rails 2``, then (unless --no-provision) ``bringup
provision --inventory lab``, then ``pytest suites/ --inventory lab --layers 1,3-15`` timed end to end, REPEAT
times. Prints one row per size (up, provision, suite median/min/max, checks run, failures) and tears the lab
down at the end, also on Ctrl-C. Needs root. Run from the repository root:

    sudo python3 benchmarks/lab_scaling.py                 # 2 4 8 16, provisioned, 3 suite runs each
    sudo python3 benchmarks/lab_scaling.py --sizes 2 4 --repeat 1 --no-provision
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bringup(*args: str, timeout: float = 1800) -> float:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bringup.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"bringup {' '.join(args)} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return time.perf_counter() - started


def _suite(reports: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "suites/", "--inventory", "lab", "-q",
                    "-p", "no:cacheprovider", "--reports-dir", str(reports)], cwd=ROOT, capture_output=True,
                   timeout=1800)
    elapsed = time.perf_counter() - started
    latest = max(reports.iterdir(), key=lambda p: p.stat().st_mtime)
    counts: dict[str, int] = {}
    for line in (latest / "results.jsonl").read_text().splitlines():
        outcome = json.loads(line)["outcome"]
        counts[outcome] = counts.get(outcome, 0) + 1
    return elapsed, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16])
    parser.add_argument("--rails", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-provision", action="store_true", help="time the suites on bare nodes (fan-out only)")
    parser.add_argument("--force", action="store_true", help="replace a lab that is already up")
    args = parser.parse_args()
    status = subprocess.run([sys.executable, "-m", "bringup.cli", "lab", "status"], cwd=ROOT, capture_output=True)
    if status.returncode == 0 and not args.force:
        raise SystemExit("a lab is already up on this host (someone's?); --force replaces it")
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="lab-scaling-") as tmp:
            for size in args.sizes:
                up = _bringup("lab", "up", "--force", "--nodes", str(size), "--rails", str(args.rails))
                provision = 0.0 if args.no_provision else _bringup("provision", "--inventory", "lab")
                reports = Path(tmp) / f"n{size}"
                reports.mkdir()
                runs = [_suite(reports) for _ in range(args.repeat)]
                times = [t for t, _ in runs]
                counts = runs[-1][1]
                rows.append((size, up, provision, statistics.median(times), min(times), max(times),
                             sum(counts.values()), counts.get("failed", 0) + counts.get("error", 0)))
                print(f"  {size} nodes done", file=sys.stderr)
    finally:
        _bringup("lab", "down")
    print(f"{'nodes':>5} {'up s':>6} {'provision s':>11} {'suite s (median)':>16} {'min':>6} {'max':>6} "
          f"{'checks':>6} {'failed':>6}")
    for size, up, provision, median, low, high, checks, failed in rows:
        print(f"{size:>5} {up:>6.1f} {provision:>11.1f} {median:>16.1f} {low:>6.1f} {high:>6.1f} {checks:>6} {failed:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
