"""Benchmark pair schedules: exact pairs and rounds, and the invariants (disjoint rounds, every pair once)."""

from __future__ import annotations

import itertools

import pytest

from bringup.bench import schedule


def test_matching_pairs_in_order_and_odd_last_joins_first():
    assert schedule.matching(["a", "b", "c", "d"]) == [("a", "b"), ("c", "d")]
    assert schedule.matching(["a", "b", "c"]) == [("a", "b"), ("c", "a")]
    assert schedule.matching(["a"]) == []


def test_ring_each_member_with_its_successor():
    assert schedule.ring(["a", "b", "c"]) == [("a", "b"), ("b", "c"), ("c", "a")]
    assert schedule.ring(["a", "b"]) == [("a", "b"), ("b", "a")]  # each sends once
    assert schedule.ring(["a"]) == []


@pytest.mark.parametrize("n", [2, 3, 4, 7, 8, 16, 33])
def test_circle_rounds_cover_every_pair_once_in_n_minus_1_rounds(n):
    members = list(range(n))
    rounds = schedule.circle_rounds(members)
    assert len(rounds) == (n - 1 if n % 2 == 0 else n)
    seen = [frozenset(p) for r in rounds for p in r]
    assert sorted(map(sorted, seen)) == sorted(map(sorted, map(frozenset, itertools.combinations(members, 2))))
    for r in rounds:
        flat = [m for p in r for m in p]
        assert len(flat) == len(set(flat)), f"a member plays twice in round {r}"


def test_circle_rounds_exact_for_four():
    assert schedule.circle_rounds(["a", "b", "c", "d"]) == [
        [("a", "d"), ("b", "c")], [("a", "c"), ("d", "b")], [("a", "b"), ("c", "d")]]


def test_pack_puts_disjoint_groups_together_and_overlapping_apart():
    groups = [("a", "b"), ("c", "d"), ("b", "c"), ("d", "a"), ("a",)]
    assert schedule.pack(groups) == [[0, 1], [2, 3], [4]]


def test_ring_packs_into_two_rounds_for_even_and_three_for_odd():
    assert len(schedule.pack(schedule.ring(list(range(8))))) == 2
    assert len(schedule.pack(schedule.ring(["a", "b"]))) == 2
    assert len(schedule.pack(schedule.ring(list(range(7))))) == 3


# ---- localization schedules (issue 12 item 1) ----

SIX = ["a", "b", "c", "d", "e", "f"]
LEAVES = {"a": "leaf1", "b": "leaf1", "c": "leaf1", "d": "leaf2", "e": "leaf2", "f": "leaf2"}


def _partners(rounds):
    found: dict = {}
    for pairs in rounds:
        for a, b in pairs:
            found.setdefault(a, []).append(b)
            found.setdefault(b, []).append(a)
    return found


def _disjoint(rounds):
    return all(len({m for p in r for m in p}) == 2 * len(r) for r in rounds)


def test_rail_rounds_are_the_circle_method_per_rail():
    assert schedule.rail_rounds({"rail0": ["a", "b", "c", "d"], "rail1": ["a", "b"]}) == {
        "rail0": [[("a", "d"), ("b", "c")], [("a", "c"), ("d", "b")], [("a", "b"), ("c", "d")]],
        "rail1": [[("a", "b")]]}


def test_leaf_groups_and_pair_kind_follow_the_cabling_plan():
    assert schedule.leaf_groups(["a", "x", "d", "b"], LEAVES) == {"leaf1": ["a", "b"], "?": ["x"], "leaf2": ["d"]}
    assert schedule.pair_kind("a", "b", LEAVES) == "same-leaf"
    assert schedule.pair_kind("a", "d", LEAVES) == "cross-leaf"
    assert schedule.pair_kind("x", "y", LEAVES) == "cross-leaf"  # not in the plan: never assumed same-leaf


def test_leaf_rounds_pair_only_inside_each_leaf_with_leaves_side_by_side():
    rounds = schedule.leaf_rounds(SIX, LEAVES)
    assert rounds == [[("b", "c"), ("e", "f")], [("a", "c"), ("d", "f")], [("a", "b"), ("d", "e")]]
    assert all(schedule.pair_kind(a, b, LEAVES) == "same-leaf" for r in rounds for a, b in r)


def test_sample_rounds_exact_for_a_seed_and_reproducible():
    assert schedule.sample_rounds(SIX, 2, seed=1) == [[("c", "b"), ("d", "e"), ("f", "a")],
                                                      [("c", "e"), ("b", "a"), ("d", "f")]]
    assert schedule.sample_rounds(SIX, 2, seed=1) == schedule.sample_rounds(SIX, 2, seed=1)
    assert schedule.sample_rounds(SIX, 2, seed=2) != schedule.sample_rounds(SIX, 2, seed=1)
    # Odd: each round rests one member, so k = 2 takes a third round.
    assert schedule.sample_rounds(SIX[:5], 2, seed=1) == [[("d", "b"), ("e", "a")], [("c", "b"), ("d", "e")],
                                                          [("c", "a"), ("b", "e")]]
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        schedule.sample_rounds(SIX, 0)


@pytest.mark.parametrize("n, k, seed", [(512, 3, 0), (511, 2, 7), (8, 10, 0)])
def test_sample_rounds_give_every_member_k_distinct_partners_in_disjoint_rounds(n, k, seed):
    members = list(range(n))
    rounds = schedule.sample_rounds(members, k, seed)
    wanted = min(k, n - 1)
    assert len(rounds) == (wanted if n % 2 == 0 else wanted + 1)
    assert _disjoint(rounds)
    partners = _partners(rounds)
    assert all(len(set(p)) == len(p) >= wanted for p in partners.values())  # distinct, at least k
    assert len(partners) == n


def test_topology_rounds_start_same_leaf_then_add_cross_leaf_until_k_partners():
    rounds = schedule.topology_rounds(SIX, LEAVES, 3, seed=1)
    assert rounds == [[("c", "a"), ("f", "d")], [("c", "b"), ("d", "e"), ("f", "a")], [("c", "e"), ("b", "a")],
                      [("e", "f"), ("b", "d")]]
    assert all(schedule.pair_kind(a, b, LEAVES) == "same-leaf" for a, b in rounds[0])
    assert _disjoint(rounds)
    assert all(len(set(p)) == len(p) == 3 for p in _partners(rounds).values())
    assert schedule.topology_rounds(SIX, LEAVES, 3, seed=1) == rounds
