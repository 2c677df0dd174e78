"""Healthy-lab variance, zero blame and the history gate, measured on the real lab (issues 11 item 2, 12 item 6).

Runs the lab's benchmarks (``pytest suites/ --inventory lab --layers 9,15 -k "benchmark or localize"``: per-rail
``iperf3 -J`` in a ring, NetPIPE through srun) ``--runs`` times on a healthy lab into one reports folder, then
once more with ``bringup lab inject throttle node02 rail2 --percent 10``. Prints:

* per rail, the iperf3 figure over the healthy runs: min / median / max and the MAD (robust spread);
* the blames (``bench/blame.csv``) of every healthy run: the claim is none;
* the history gate (:func:`bringup.history.gate.judge_run`) on every healthy run that has a full window of earlier
  runs (false alarms; the claim is none) and on the throttled run (the claim: node02 rail2's figure regressed);
* the throttled figure's drop against the gate's floor (``min_delta_pct``) as a ratio: above 1 is caught.

Needs root and a lab that is up and provisioned (``sudo bringup lab up --nodes 4 --rails 2 --provision``).
About 1.5 minutes per run on the 2-core VM.

    sudo python3 benchmarks/lab_rail_variance.py --runs 10 --reports-dir /tmp/lab-variance
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bringup.history import load_history  # noqa: E402
from bringup.history.gate import judge_run, load_policy  # noqa: E402

THROTTLED = ("node02", "rail2", 10)  # node, rail, percent below line rate


def suite_run(reports: Path, layers: str) -> Path:
    before = {p for p in reports.iterdir()} if reports.exists() else set()
    reports.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "pytest", "suites/", "--inventory", "lab", "-q", "-p", "no:cacheprovider",
                           "--reports-dir", str(reports), "--layers", layers, "-k", "benchmark or localize"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    new = [p for p in set(reports.iterdir()) - before
           if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")]
    if len(new) != 1:
        sys.exit(f"lab_rail_variance: expected one new run directory in {reports}, got {new}\n{proc.stdout[-2000:]}")
    return new[0]


def bringup(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "bringup.cli", *args], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"lab_rail_variance: bringup {' '.join(args)} failed: {proc.stderr.strip()}")


def figures(run: Path) -> pd.DataFrame:
    rows = pd.read_csv(run / "bench" / "results.csv")
    return rows[(rows["benchmark"] == "iperf3") & (rows["metric"] == "bandwidth")][["case", "value"]]


def blames(run: Path) -> list[dict]:
    path = run / "bench" / "blame.csv"
    return pd.read_csv(path).to_dict("records") if path.exists() and path.stat().st_size else []


def mad(values: list[float]) -> float:
    median = statistics.median(values)
    return statistics.median(abs(v - median) for v in values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--layers", default="9,15")
    parser.add_argument("--reports-dir", type=Path, default=Path("/tmp/lab-variance"))
    args = parser.parse_args(argv)

    healthy: list[Path] = []
    for i in range(args.runs):
        started = time.time()
        healthy.append(suite_run(args.reports_dir, args.layers))
        print(f"healthy run {i + 1}/{args.runs}: {healthy[-1].name} ({time.time() - started:.0f} s), "
              f"blames {len(blames(healthy[-1]))}", flush=True)
    node, rail, percent = THROTTLED
    bringup("lab", "inject", "throttle", node, rail, "--percent", str(percent))
    try:
        throttled = suite_run(args.reports_dir, args.layers)
    finally:
        bringup("lab", "heal")

    table = pd.concat([figures(r).assign(run=r.name) for r in healthy])
    table["rail"] = table["case"].str.split("@").str[1]
    print("\niperf3 per rail over the healthy runs (Gb/s): rail, pairs x runs, min, median, max, MAD")
    for rail_name, group in table.groupby("rail"):
        values = group["value"].tolist()
        print(f"  {rail_name}: n={len(values)} min {min(values):.4f} median {statistics.median(values):.4f} "
              f"max {max(values):.4f} MAD {mad(values):.4f}")
    all_blames = {r.name: blames(r) for r in healthy}
    print(f"blames in healthy runs: {sum(len(b) for b in all_blames.values())} "
          f"({', '.join(f'{k}: {v}' for k, v in all_blames.items() if v) or 'none'})")

    history = load_history(args.reports_dir)
    policy = load_policy()
    judged = healthy[policy.min_window:]
    false_alarms = {r.name: [f"{f.key}: {f.message}" for f in judge_run(history, r.name, policy)] for r in judged}
    print(f"gate false alarms over {len(judged)} judged healthy runs (window {policy.window_runs}, "
          f"min {policy.min_window}): {sum(len(v) for v in false_alarms.values())}")
    for run_id, alarms in false_alarms.items():
        for alarm in alarms:
            print(f"  FALSE ALARM {run_id} {alarm}")
    caught = judge_run(history, throttled.name, policy)
    print(f"throttled run ({node} {rail} {percent}% below line rate): {len(caught)} alarm(s)")
    for finding in caught:
        print(f"  {finding.key}: {finding.status}: {finding.message}")
    mine = [f for f in caught if rail in f.key and node in f.key]
    throttled_value = figures(throttled)
    slow = throttled_value[throttled_value["case"].str.contains(f"@{rail}@{node}+", regex=False)]["value"]
    median = statistics.median(table[table["rail"] == rail]["value"])
    drop_pct = 100 * (median - float(slow.iloc[0])) / median if not slow.empty else float("nan")
    print(f"drop {drop_pct:.1f}% vs the gate's practical floor {policy.min_delta_pct:g}%: ratio "
          f"{drop_pct / policy.min_delta_pct:.2f} (caught: {bool(mine)})")
    print(json.dumps({"healthy_runs": len(healthy), "blames": sum(len(b) for b in all_blames.values()),
                      "false_alarms": sum(len(v) for v in false_alarms.values()), "caught": bool(mine)}))
    return 0 if mine and not any(false_alarms.values()) and not any(all_blames.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
