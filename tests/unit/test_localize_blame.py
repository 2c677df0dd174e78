"""Second pass and blame rules (bringup/localize/secondpass.py, blame.py, evidence.py) on small exact cases."""

from __future__ import annotations

import pytest

from bringup.localize import evidence
from bringup.localize.blame import decide
from bringup.localize.model import Measure, Suspect
from bringup.localize.secondpass import Pair, first_pass, plan_second_pass, rounds, slow_limit

NODES = ["n1", "n2", "n3", "n4", "n5"]
LEAF = {(n, r): ("leafA" if n in ("n1", "n2", "n3") else "leafB") for n in NODES for r in ("r0", "r1")}


def link_of(node, rail):
    return (LEAF[(node, rail)], f"swp{node[1]}")


def ring(rail, figure):
    """Each node sends to its successor (the catalogue's ``pairing: ring``)."""
    return [Measure(a, b, rail, figure(a, b), f"{rail}@{a}+{b}") for a, b in zip(NODES, NODES[1:] + NODES[:1])]


def retest(pairs, figure):
    return [Measure(p.sender, p.receiver, p.rail, figure(p.sender, p.receiver, p.rail), f"{p}@retest", "second")
            for p in pairs]


def sends_slow(node, rails=("r0",), value=10.0):
    return lambda a, b, rail="r0": value if a == node and rail in rails else 100.0


def test_slow_limit_is_the_stricter_of_baseline_and_fleet():
    assert slow_limit([100, 101, 99, 100, 10]) == pytest.approx(85.0)  # median 100 - 3 x 5% floor
    assert slow_limit([100, 101, 99, 100, 10], baseline_limit=95.0) == 95.0
    assert slow_limit([100, 10], baseline_limit=None) is None  # too few for a fleet, no baseline
    assert slow_limit([100, None, 10], baseline_limit=50.0) == 50.0


def test_first_pass_suspects_both_ends_in_their_roles_and_keeps_the_rest_good():
    first = first_pass(ring("r0", sends_slow("n3")), limit=90.0)
    assert [m.run for m in first.slow] == ["r0@n3+n4"]
    assert first.suspects == (Suspect("n3", "r0", "send"), Suspect("n4", "r0", "recv"))
    assert first.good == {"r0": ("n1", "n2", "n5")}
    symmetric = first_pass(ring("r0", sends_slow("n3")), limit=90.0, directional=False)
    assert symmetric.suspects == (Suspect("n3", "r0", "any"), Suspect("n4", "r0", "any"))


def test_second_pass_keeps_roles_prefers_same_leaf_partners_and_reruns_the_slow_pair():
    first = first_pass(ring("r0", sends_slow("n3")), limit=90.0)
    planned = plan_second_pass(first, LEAF, partners=3, seed=0)
    # n3 (leafA) sends to its same-leaf good nodes n1 and n2 first, then n5; n4 (leafB) receives from n5 first.
    assert planned == [Pair("n3", "n2", "r0"), Pair("n3", "n1", "r0"), Pair("n3", "n5", "r0"),
                       Pair("n5", "n4", "r0"), Pair("n1", "n4", "r0"), Pair("n2", "n4", "r0"),
                       Pair("n3", "n4", "r0")]
    assert plan_second_pass(first, LEAF, partners=3, seed=0) == planned  # seeded: a replay plans the same
    assert rounds(planned) == [[Pair("n3", "n2", "r0"), Pair("n5", "n4", "r0")],
                               [Pair("n3", "n1", "r0"), Pair("n2", "n4", "r0")],
                               [Pair("n3", "n5", "r0"), Pair("n1", "n4", "r0")], [Pair("n3", "n4", "r0")]]


def test_a_rail_slow_with_three_good_partners_is_blamed_and_its_peer_cleared():
    figure = sends_slow("n3")
    first = first_pass(ring("r0", figure), limit=90.0)
    second = retest(plan_second_pass(first, LEAF), figure)
    decision = decide(first, second, unit="Gb/s", link_of=link_of,
                      counters_of=lambda n, r, runs: {"rx_prio3_discards": 120000, "tx_bytes": 5} if n == "n3" else {})
    assert [(b.kind, b.node, b.rail, b.link, b.confidence) for b in decision.blames] == [
        ("rail", "n3", "r0", "leafA swp3", 1.0)]
    assert decision.blames[0].evidence == "n3 r0 (leafA swp3): 10 Gb/s vs 100 Gb/s with 3 partners; " \
                                          "rx_prio3_discards +1.2e5"
    assert [r.status for r in decision.results] == ["blamed", "cleared"]


def test_one_slow_partner_is_not_enough_to_blame():
    first = first_pass(ring("r0", sends_slow("n3")), limit=90.0)
    planned = plan_second_pass(first, LEAF)
    # n3 is slow only with n1 (a noisy partner run), good with n2 and n5: cleared, nothing blamed.
    second = retest(planned, lambda a, b, rail: 10.0 if (a, b) == ("n3", "n1") else 100.0)
    assert decide(first, second, unit="Gb/s").blames == ()


def test_a_slow_receiver_is_retested_as_receiver():
    """A leaf-side limit on n4's port slows what n4 receives only: n4 must be blamed, not its sender n3."""
    figure = lambda a, b, rail="r0": 10.0 if b == "n4" else 100.0  # noqa: E731
    first = first_pass(ring("r0", figure), limit=90.0)
    decision = decide(first, retest(plan_second_pass(first, LEAF), figure), unit="Gb/s", link_of=link_of)
    assert [(b.kind, b.node, b.rail, b.link) for b in decision.blames] == [("rail", "n4", "r0", "leafB swp4")]


def test_a_node_slow_on_every_rail_is_one_node_blame():
    figure = sends_slow("n3", rails=("r0", "r1"), value=40.0)
    first = first_pass(ring("r0", figure) + ring("r1", lambda a, b: figure(a, b, "r1")), limit=90.0)
    decision = decide(first, retest(plan_second_pass(first, LEAF), figure), unit="Gb/s", link_of=link_of)
    assert [(b.kind, b.node, b.rail, b.link, b.confidence) for b in decision.blames] == [("node", "n3", "all", "", 1.0)]
    assert decision.blames[0].evidence == "n3 all 2 rails: 40 Gb/s vs 100 Gb/s with 3 partners"
    one_rail = sends_slow("n3", rails=("r1",))
    first = first_pass(ring("r0", one_rail) + ring("r1", lambda a, b: one_rail(a, b, "r1")), limit=90.0)
    decision = decide(first, retest(plan_second_pass(first, LEAF), one_rail), unit="Gb/s", link_of=link_of)
    assert [(b.kind, b.node, b.rail) for b in decision.blames] == [("rail", "n3", "r1")]


def test_a_pair_slow_only_together_blames_their_path():
    slow_pair = {frozenset(("n2", "n3"))}
    figure = lambda a, b, rail="r0": 30.0 if frozenset((a, b)) in slow_pair else 100.0  # noqa: E731
    first = first_pass(ring("r0", figure), limit=90.0, directional=False)
    decision = decide(first, retest(plan_second_pass(first, LEAF), figure), unit="Gb/s", link_of=link_of)
    assert [(b.kind, b.node, b.rail, b.link, b.confidence) for b in decision.blames] == [
        ("link", "n2+n3", "r0", "leafA swp2 <-> swp3", 0.6)]
    assert decision.blames[0].evidence == ("n2+n3 r0 (leafA swp2 <-> swp3): 30 Gb/s vs 100 Gb/s with 3 partners; "
                                           "each end is good with other partners")
    # Cross-leaf: the path goes through the spine.
    slow_pair = {frozenset(("n3", "n4"))}
    first = first_pass(ring("r0", figure), limit=90.0, directional=False)
    decision = decide(first, retest(plan_second_pass(first, LEAF), figure), unit="Gb/s", link_of=link_of)
    assert [b.link for b in decision.blames] == ["leafA swp3 <-> leafB swp4 (via the spine)"]


def test_a_pair_not_slow_again_is_noise_and_blames_nothing():
    first_figure = lambda a, b, rail="r0": 30.0 if (a, b) == ("n2", "n3") else 100.0  # noqa: E731
    first = first_pass(ring("r0", first_figure), limit=90.0, directional=False)
    second = retest(plan_second_pass(first, LEAF), lambda a, b, rail: 100.0)
    decision = decide(first, second, unit="Gb/s")
    assert decision.blames == () and [r.status for r in decision.results] == ["cleared", "cleared"]


def test_runs_without_a_result_count_as_slow():
    """A flapping link: the suspect's runs never connect (no figure)."""
    figure = lambda a, b, rail="r0": None if a == "n3" else 100.0  # noqa: E731
    first = first_pass(ring("r0", figure), limit=90.0)
    decision = decide(first, retest(plan_second_pass(first, LEAF), figure), unit="Gb/s", link_of=link_of)
    assert [b.evidence for b in decision.blames] == ["n3 r0 (leafA swp3): no result vs 100 Gb/s with 3 partners"]


def test_two_nodes_have_no_good_partner_and_stay_inconclusive():
    first = first_pass([Measure("n1", "n2", "r0", 10.0), Measure("n2", "n1", "r0", 100.0)], limit=90.0)
    assert plan_second_pass(first, LEAF) == [Pair("n1", "n2", "r0")]  # only the re-run of the slow pair
    decision = decide(first, [Measure("n1", "n2", "r0", 10.0, stage="second")], unit="Gb/s")
    assert decision.blames == ()
    assert [(r.suspect.node, r.status) for r in decision.inconclusive] == [("n1", "inconclusive"),
                                                                           ("n2", "inconclusive")]


def test_evidence_formats():
    assert evidence.figure(392.18) == "392" and evidence.figure(9.4) == "9.4"
    assert evidence.span([23.1, 24.04, 23.5]) == "23.1-24" and evidence.span([5.0, 5.0]) == "5"
    assert evidence.count(17) == "+17" and evidence.count(120000) == "+1.2e5" and evidence.count(-3) == "-3"
    assert evidence.counters({"rx_prio3_discards": 120000, "tx_bytes": 10**9, "rx_pcs_symbol_err_phy": 40,
                              "tx_prio3_pause": 7, "out_of_sequence": 2}) == \
        "rx_prio3_discards +1.2e5; rx_pcs_symbol_err_phy +40; tx_prio3_pause +7; 1 more counters moved"
    assert evidence.pair_link(None, ("leaf1", "swp1")) == "path not in the cabling plan"
