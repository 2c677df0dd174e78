"""Bisection of a slow collective's node set (bringup/localize/bisect.py): exact rounds on small sets."""

from __future__ import annotations

import pytest

from bringup.localize import bisect

EIGHT = tuple(f"n{i}" for i in range(1, 9))


def test_halves_and_crossed_split_in_order():
    assert bisect.halves(EIGHT) == (("n1", "n2", "n3", "n4"), ("n5", "n6", "n7", "n8"))
    assert bisect.halves(("a", "b", "c")) == (("a", "b"), ("c",))
    assert bisect.crossed(EIGHT) == (("n1", "n2", "n5", "n6"), ("n3", "n4", "n7", "n8"))
    assert bisect.max_rounds(512) == 18 and bisect.max_rounds(8) == 6 and bisect.max_rounds(1) == 0


def _slow_if(predicate):
    asked = []

    def measure(groups):
        asked.append(list(groups))
        return [10.0 if predicate(set(g)) else 100.0 for g in groups]

    return measure, asked


def slow(group, figure):
    return figure is None or figure < 90.0


def test_one_slow_node_is_found_by_halving():
    measure, asked = _slow_if(lambda g: "n6" in g)
    found = bisect.bisect(EIGHT, measure, slow)
    assert found.failing == [("n5", "n6")] and found.rounds == 2
    assert asked == [[("n1", "n2", "n3", "n4"), ("n5", "n6", "n7", "n8")], [("n5", "n6"), ("n7", "n8")]]


def test_a_link_between_halves_is_found_by_the_crossed_split():
    measure, asked = _slow_if(lambda g: {"n2", "n6"} <= g)  # slow only when both ends take part
    found = bisect.bisect(EIGHT, measure, slow)
    assert asked[1] == [("n1", "n2", "n5", "n6"), ("n3", "n4", "n7", "n8")]
    # then n1 n2 | n5 n6 (neither slow) and the crossed split (n1 n5) (n2 n6): n2+n6 is the smallest failing set
    assert asked[2:] == [[("n1", "n2"), ("n5", "n6")], [("n1", "n5"), ("n2", "n6")]]
    assert found.failing == [("n2", "n6")] and found.rounds == 4 <= bisect.max_rounds(8)


def test_two_faults_in_both_halves_are_both_followed_in_the_same_rounds():
    measure, asked = _slow_if(lambda g: bool({"n1", "n8"} & g))
    found = bisect.bisect(EIGHT, measure, slow)
    assert found.failing == [("n1", "n2"), ("n7", "n8")] and found.rounds == 2


def test_no_slow_half_twice_ends_with_the_whole_set():
    measure, _ = _slow_if(lambda g: len(g) == 8)  # only the full set is slow (a fabric-wide incast limit)
    found = bisect.bisect(EIGHT, measure, slow)
    assert found.failing == [EIGHT] and found.rounds == 2


def test_a_failed_run_counts_as_slow_and_a_short_answer_is_an_error():
    found = bisect.bisect(EIGHT, lambda groups: [None if "n3" in g else 100.0 for g in groups], slow)
    assert found.failing == [("n3", "n4")]
    with pytest.raises(ValueError, match="measure returned 1 figures for 2 groups"):
        bisect.bisect(EIGHT, lambda groups: [1.0], slow)


@pytest.mark.parametrize("bad", ["n001", "n255", "n512"])
def test_512_nodes_within_2_log2_n_rounds(bad):
    nodes = tuple(f"n{i:03d}" for i in range(1, 513))
    measure, _ = _slow_if(lambda g: bad in g)
    found = bisect.bisect(nodes, measure, slow)
    assert found.rounds == 8 <= bisect.max_rounds(512)  # 512 -> 2 in eight halvings
    assert len(found.failing) == 1 and bad in found.failing[0] and len(found.failing[0]) == 2
