"""L13 pairwise RDMA against the fleet (layers.md L13 "Pairwise RDMA" and §4).

ib_write_bw and ib_write_lat run as benchmarks (bringup/bench/catalogue.yml ``perftest-write-bw`` and
``perftest-write-lat``: every rail of every disjoint node pair, one pair at a time per node), judged against
``baselines/<profile>/perftest.yaml`` by ``test_benchmark_meets_baseline`` (the §4 gates: >= 95% of the
line rate, 2 B latency within the band). This check adds what a baseline cannot: a rail far below the rest of
the fleet's rails fails even when it clears its baseline (robust 3 sigma, bringup/policy.yml).
"""

import pytest

from bringup import expect
from bringup.checks import l13_comm_libs as judge

CASE = "perftest-write-bw"


def test_rail_bandwidth_not_a_fleet_outlier(node, rail, bench, check):
    run = bench.run_of(CASE, node.name, rail.name, leading=True)  # the run this node sends in
    if run is None or run.skip:
        pytest.skip(run.skip if run else f"no {CASE} run includes {node.name} {rail.name}")
    figures = bench.rows(CASE)
    figures = figures[(figures["metric"] == "bandwidth") & figures["valid"].astype(bool)]
    mine = figures[figures["case"] == run.id]["value"]
    if mine.empty:
        pytest.skip(f"{run.id} measured nothing (its benchmark verdict says why)")
    fleet = figures["value"].tolist()
    verdict = judge.rail_bandwidth_not_outlier(run.id, float(mine.iloc[-1]), fleet,
                                               expect.declared(node, "perftest_outlier_sigma"))
    if verdict is None:
        pytest.skip(f"only {len(figures)} rail measurements in the fleet: too few for an outlier test (>= 4)")
    check(verdict)
