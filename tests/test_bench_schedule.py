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
