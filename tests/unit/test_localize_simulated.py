"""Simulated fleets (bringup/localize/simulate.py): 512 nodes x 8 rails with noise and one to three seeded bad
rails or hosts, through the same schedules, driver and blame rules as a live run; precision, recall, rounds."""

from __future__ import annotations

import pytest

from bringup.bench import schedule
from bringup.localize import bisect, driver, simulate
from bringup.localize.secondpass import slow_limit

K = 2  # first pass: every node meets two distinct partners on every rail


def _fleet_run(fleet, seed):
    return driver.localize_fleet({r: fleet.nodes for r in fleet.rails}, fleet.measure_pairs, k=K, limit=None,
                                 unit="Gb/s", seed=seed, leaf_of=fleet.leaf_of(), link_of=fleet.place)


@pytest.mark.parametrize("seed", range(6))
def test_512_nodes_8_rails_bad_rails_and_hosts_are_blamed_exactly(seed):
    fleet = simulate.Fleet.build(512, 8, faults=1 + seed % 3, seed=seed, kinds=("rail", "node"))
    found = _fleet_run(fleet, seed)
    blames = list(found.decision.blames)
    assert simulate.precision_recall(blames, fleet.faults) == (1.0, 1.0), \
        ([f.truth for f in fleet.faults], [b.evidence for b in blames])
    assert (found.first_rounds, found.second_rounds) == (2, 5)  # vs 511 rounds for all pairs per rail
    rail = next((b for b in blames if b.kind == "rail"), None)
    if rail is not None:  # its link named from the plan: leaf<rail>-<group of 32> swp<index in the group>
        leaf, port = fleet.place(rail.node, rail.rail)
        assert rail.link == f"{leaf} {port}" and rail.evidence.startswith(f"{rail.node} {rail.rail} ({leaf} {port}): ")


@pytest.mark.parametrize("seed", range(2))
def test_a_healthy_noisy_fleet_blames_nothing(seed):
    fleet = simulate.Fleet.build(512, 8, faults=0, seed=100 + seed, noise=0.03)
    found = _fleet_run(fleet, seed)
    assert found.decision.blames == ()
    assert len(found.first.suspects) == 0 or found.second  # noise suspects are re-tested, then cleared


def test_a_pair_slow_only_together_is_blamed_on_its_path_with_all_pairs():
    fleet = simulate.Fleet([f"node0{i}" for i in range(1, 9)], ["rail0", "rail1"],
                           [simulate.Fault("link", "node02", "rail1", "node05", 0.3)], seed=1, nodes_per_leaf=4)
    plans = schedule.rail_rounds({r: fleet.nodes for r in fleet.rails})  # N-1 rounds: every pair
    measures, count = driver.run_rounds(driver.first_pass_rounds(plans), fleet.measure_pairs, "first")
    found = driver.localize_pairs(measures, fleet.measure_pairs, limit=slow_limit([m.value for m in measures]),
                                  unit="Gb/s", directional=False, leaf_of=fleet.leaf_of(), link_of=fleet.place)
    assert count == 7 and found.second_rounds == 4
    assert [(b.kind, b.node, b.rail, b.link) for b in found.decision.blames] == [
        ("link", "node02+node05", "rail1", "leaf1-1 swp2 <-> leaf1-2 swp1 (via the spine)")]
    assert simulate.precision_recall(list(found.decision.blames), fleet.faults) == (1.0, 1.0)


@pytest.mark.parametrize("seed", range(2))
def test_a_slow_all_reduce_on_512_nodes_is_bisected_then_paired(seed):
    fleet = simulate.Fleet.build(512, 8, faults=1 + seed % 2, seed=seed, kinds=("node", "rail"))

    def group_slow(group, figure):
        return figure is None or figure < simulate.BUSBW_GBS * 0.9

    found = driver.localize_collective(fleet.nodes, fleet.rails, fleet.measure_groups, group_slow,
                                       fleet.measure_pairs, pair_limit=simulate.LINE_GBPS * 0.9, unit="Gb/s",
                                       leaf_of=fleet.leaf_of(), link_of=fleet.place)
    assert found.bisection.rounds == 8 <= bisect.max_rounds(512)
    assert all(len(group) == 2 for group in found.bisection.failing)
    assert simulate.precision_recall(list(found.decision.blames), fleet.faults) == (1.0, 1.0)
    assert (found.first_rounds, found.second_rounds) == (1, 4)
