#!/usr/bin/env python3
"""Rounds localization uses against all pairs and against the N-1 floor; time to plan and judge 512 x 8 rails.

For each fleet (N = 8, the lab's size, 2 rails; N = 512, 8 rails, simulated: bringup/localize/simulate.py
with 2% noise and seeded bad rails and hosts) and several seeds:

- all pairs one at a time: N(N-1)/2 runs per rail, i.e. N(N-1)/2 rounds (the naive schedule);
- the floor for every pair: N-1 rounds of disjoint pairs (the circle method; rails side by side);
- localization: a first pass (N = 8: all pairs, N-1 rounds, which also finds a pair slow only together; or
  the catalogue's ring, 2 rounds, as a suite run does; N = 512: a bounded seeded sample, every node with
  k = 2 distinct partners per rail) + the second pass (suspects against known-good
  partners, the slow pairs once more); a slow 512-node all_reduce: the bisection rounds + its pair stage.

Then the time to plan (the per-rail sample schedules) and to judge (first pass, second-pass plan, blame
rules) a 512 x 8 fleet, the median of ``--repeat`` runs, measured without the simulator's own cost. Precision
and recall of the blames over the seeds are printed too.

    python3 benchmarks/localize_rounds.py [--seeds 5] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bringup.bench import schedule  # noqa: E402
from bringup.localize import bisect, driver, simulate  # noqa: E402
from bringup.localize.blame import decide  # noqa: E402
from bringup.localize.secondpass import first_pass, plan_second_pass, slow_limit  # noqa: E402

K = 2
# baselines/h100-cx7-400g/perftest.yaml: ib_write_bw 64 KiB 392 Gb/s, lower 5% on the pair runs (the suite's
# limit is the stricter of the baseline and the fleet's; a small fleet with several bad nodes needs the baseline).
BASELINE_LIMIT = simulate.LINE_GBPS * 0.95


def _ring(nodes: list[str]) -> list[list[tuple[str, str]]]:
    """The catalogue's live first pass (``pairing: ring``): each node with its successor, in disjoint rounds."""
    pairs = schedule.ring(nodes)
    return [[pairs[i] for i in slot] for slot in schedule.pack(pairs)]


def localize(fleet: simulate.Fleet, seed: int, first: str) -> driver.Localization:
    by_rail = {r: fleet.nodes for r in fleet.rails}
    if first == "sample":
        return driver.localize_fleet(by_rail, fleet.measure_pairs, k=K, limit=None, unit="Gb/s", seed=seed,
                                     leaf_of=fleet.leaf_of(), link_of=fleet.place)
    plans = schedule.rail_rounds(by_rail) if first == "all pairs" else {r: _ring(n) for r, n in by_rail.items()}
    measures, count = driver.run_rounds(driver.first_pass_rounds(plans), fleet.measure_pairs, "first")
    limit = slow_limit([m.value for m in measures], BASELINE_LIMIT)
    found = driver.localize_pairs(measures, fleet.measure_pairs, limit=limit,
                                  unit="Gb/s", directional=False, leaf_of=fleet.leaf_of(), link_of=fleet.place,
                                  seed=seed)
    found.first_rounds = count
    return found


def rounds_table(n: int, rails: int, seeds: int, first: str, per_leaf: int) -> None:
    used, hits, named, truths = [], 0, 0, 0
    for seed in range(seeds):
        fleet = simulate.Fleet.build(n, rails, faults=1 + seed % 3, seed=seed, nodes_per_leaf=per_leaf,
                                     kinds=("rail", "node", "link") if first == "all pairs" else ("rail", "node"))
        found = localize(fleet, seed, first)
        used.append(found.rounds)
        got = {simulate.truth_of(b) for b in found.decision.blames}
        want = {f.truth for f in fleet.faults}
        hits, named, truths = hits + len(got & want), named + len(got), truths + len(want)
    naive, floor, mine = n * (n - 1) // 2, n - 1, max(used)
    how = first if first != "sample" else f"sample k={K}"
    print(f"N={n:<4} rails={rails}  first pass {how:<11} rounds used {min(used)}-{mine} "
          f"(first + second pass)  all-pairs {naive}  floor {floor}")
    print(f"        all-pairs/used {naive / mine:.1f}x   used/floor {mine / floor:.2f}x   "
          f"precision {hits / named if named else 1:.2f}  recall {hits / truths:.2f} over {seeds} seeds "
          f"({truths} faults)")


def collective(seeds: int) -> None:
    worst = 0
    for seed in range(seeds):
        fleet = simulate.Fleet.build(512, 8, faults=1, seed=seed, kinds=("node", "rail"))
        found = driver.localize_collective(
            fleet.nodes, fleet.rails, fleet.measure_groups, lambda g, v: v is None or v < simulate.BUSBW_GBS * 0.9,
            fleet.measure_pairs, pair_limit=simulate.LINE_GBPS * 0.9, unit="Gb/s", leaf_of=fleet.leaf_of(),
            link_of=fleet.place)
        worst = max(worst, found.bisection.rounds + found.first_rounds + found.second_rounds)
    print(f"N=512 slow all_reduce: bisection {found.bisection.rounds} rounds (bound 2*log2(N) = "
          f"{bisect.max_rounds(512)}), with its pair stage {worst} rounds in all")


def timing(repeat: int) -> None:
    fleet = simulate.Fleet.build(512, 8, faults=3, seed=1, kinds=("rail", "node"))
    leaf_of = fleet.leaf_of()
    plans = {r: schedule.sample_rounds(fleet.nodes, K, 1) for r in fleet.rails}
    measures, _ = driver.run_rounds(driver.first_pass_rounds(plans), fleet.measure_pairs, "first")
    plan_s, judge_s = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for r in fleet.rails:
            schedule.sample_rounds(fleet.nodes, K, 1)
        t1 = time.perf_counter()
        first = first_pass(measures, slow_limit([m.value for m in measures]), directional=False)
        planned = plan_second_pass(first, leaf_of, seed=1)
        t2 = time.perf_counter()
        second = [driver._as_measure(p, fleet.pair(*p), "second") for p in planned]
        t3 = time.perf_counter()
        decide(first, second, unit="Gb/s", link_of=fleet.place)
        t4 = time.perf_counter()
        plan_s.append(t1 - t0)
        judge_s.append((t2 - t1) + (t4 - t3))
    print(f"512 x 8 rails ({len(measures)} first-pass runs, {len(planned)} re-tests): plan "
          f"{statistics.median(plan_s) * 1000:.0f} ms, judge {statistics.median(judge_s) * 1000:.0f} ms "
          f"(median of {repeat})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rounds_table(8, 2, args.seeds, "all pairs", per_leaf=4)
    rounds_table(8, 2, args.seeds, "ring", per_leaf=4)
    rounds_table(512, 8, args.seeds, "sample", per_leaf=32)
    collective(args.seeds)
    timing(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
