"""First pass -> suspects -> their re-test against known-good partners (pure).

A first pass (a schedule of pair runs per rail, :mod:`bringup.bench.schedule`) gives one figure per pair.
A pair below the limit (its baseline, or the fleet's robust outlier limit) makes its *doubtful* ends
suspects (an end slow in half its first-pass pairs or more; both ends when neither is), each in the role it
had (the sender of a one-way test, or the receiver). Every suspect is then re-tested, in the same role,
against up to ``partners`` *known-good* nodes of the same rail (slow in fewer than half of their first-pass
pairs: with a ring, none next to a slow pair; with all pairs, a node whose one slow pair was with the bad
node), same-leaf partners first so the path is the two leaf ports only; a slow pair whose two ends are both
suspects runs once more (its peers re-pair once). No round three, so the cost is bounded.

Outcome per suspect (:func:`judge_suspects`): **blamed** when slow with at least ``MIN_PARTNERS`` distinct
good partners; **cleared** when good with two of them (or with every one tried, at least one); otherwise
**inconclusive** (no good partner on that rail, or one slow and one good).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple

from bringup.bench import schedule
from bringup.localize.model import Measure, Suspect
from bringup.checks.traffic import low_outlier_limit

MIN_PARTNERS = 2  # issue 12: "blamed only when it is slow with at least two distinct good partners"
PARTNERS = 3  # partners tried per suspect: two must agree, a third breaks a tie when one partner is noisy
FLEET_SIGMAS = 3.0  # the L13 fleet-outlier rule's default (bringup/policy.yml perftest_outlier_sigma)
# The fleet's spread is taken as at least 5% of its median: a quiet fleet (a MAD of 0.5%) must not make a run
# 2% under the median a suspect; a small loss is the baseline's to catch (5% lower on RoCE rails, layers.md §4).
FLEET_SIGMA_FLOOR = 0.05


class Pair(NamedTuple):
    sender: str
    receiver: str
    rail: str


def slow_limit(values: Iterable[float | None], baseline_limit: float | None = None,
               sigmas: float = FLEET_SIGMAS) -> float | None:
    """The figure below which a pair is slow: the stricter of its baseline's lower limit and the fleet's
    robust outlier limit (median - sigmas x max(1.4826 MAD, 5% of the median),
    :func:`bringup.checks.traffic.low_outlier_limit`; needs >= 4 figures). None when neither is known:
    nothing can be called slow."""
    figures = [v for v in values if v is not None]
    fleet = low_outlier_limit(figures, sigmas, FLEET_SIGMA_FLOOR)
    limits = [x for x in (baseline_limit, fleet.limit if fleet else None) if x is not None]
    return max(limits) if limits else None


def is_slow(measure: Measure, limit: float | None) -> bool:
    """No figure (the run failed or never connected) is slow; else below the limit."""
    if measure.value is None:
        return True
    return limit is not None and measure.value < limit


@dataclass(frozen=True)
class FirstPass:
    measures: tuple[Measure, ...]
    slow: tuple[Measure, ...]
    suspects: tuple[Suspect, ...]
    good: dict[str, tuple[str, ...]]  # rail -> nodes slow in fewer than half of their first-pass pairs on it
    limit: float | None
    directional: bool


def first_pass(measures: Iterable[Measure], limit: float | None, directional: bool = True) -> FirstPass:
    """Slow pairs, their ends as suspects (in order of appearance), and the good nodes of every rail."""
    measures = tuple(measures)
    slow = tuple(m for m in measures if is_slow(m, limit))
    played: dict[tuple[str, str], list[bool]] = {}
    for m in measures:
        for node in (m.sender, m.receiver):
            played.setdefault((node, m.rail), []).append(is_slow(m, limit))
    good: dict[str, dict[str, None]] = {}
    for (node, rail), slows in played.items():
        if 2 * sum(slows) < len(slows):  # slow in fewer than half its pairs: with all pairs, the bad node's
            good.setdefault(rail, {}).setdefault(node)  # partners stay good (one slow pair of N-1)
    suspects: dict[Suspect, None] = {}
    for m in slow:
        ends = [(m.sender, "send"), (m.receiver, "recv")]
        doubtful = [(n, role) for n, role in ends if n not in good.get(m.rail, {})]
        # One doubtful end explains the pair; none (both ends good elsewhere): both are re-tested, and the
        # pair's path is blamed if both are cleared.
        for node, role in doubtful or ends:
            suspects.setdefault(Suspect(node, m.rail, role if directional else "any"))
    return FirstPass(measures, slow, tuple(suspects), {r: tuple(n) for r, n in good.items()}, limit, directional)


def plan_second_pass(first: FirstPass, leaf_of: Mapping[tuple[str, str], str] | None = None,
                     partners: int = PARTNERS, seed: int = 0,
                     extra_good: Mapping[str, Iterable[str]] | None = None) -> list[Pair]:
    """Each suspect against up to ``partners`` good nodes of its rail, in its role. Partners are picked
    same-leaf first, then least used so far (the re-test spreads over the good nodes), then by a seeded
    shuffle. ``extra_good``: nodes known good from elsewhere (a bisection's passing halves)."""
    leaf_of = leaf_of or {}
    rng = random.Random(seed)
    used: dict[tuple[str, str], int] = {}
    planned: list[Pair] = []
    for suspect in first.suspects:
        pool = list(dict.fromkeys([*first.good.get(suspect.rail, ()), *(extra_good or {}).get(suspect.rail, ())]))
        pool = [p for p in pool if p != suspect.node]
        order = {p: rng.random() for p in pool}
        mine = leaf_of.get((suspect.node, suspect.rail))
        pool.sort(key=lambda p: (mine is None or leaf_of.get((p, suspect.rail)) != mine,
                                 used.get((p, suspect.rail), 0), order[p]))
        for partner in pool[:partners]:
            used[(partner, suspect.rail)] = used.get((partner, suspect.rail), 0) + 1
            planned.append(Pair(partner, suspect.node, suspect.rail) if suspect.role == "recv"
                           else Pair(suspect.node, partner, suspect.rail))
    # The slow pairs themselves, once more: a pair slow only together must be slow again to blame its path
    # (one noisy run below a 3-sigma limit is expected in a large fleet; twice on the same pair is not).
    # Only pairs whose two ends are both suspects can end up blamed on their path.
    suspected = {(x.node, x.rail) for x in first.suspects}
    planned += [Pair(m.sender, m.receiver, m.rail) for m in first.slow
                if (m.sender, m.rail) in suspected and (m.receiver, m.rail) in suspected]
    return list(dict.fromkeys(planned))


def rounds(pairs: list[Pair]) -> list[list[Pair]]:
    """Pairs in rounds that share no endpoint (node, rail): each rail is its own NIC and leaf, so runs on
    different rails of one node may overlap (the live runner is stricter: :func:`bringup.bench.plan.rounds`)."""
    return [[pairs[i] for i in slot]
            for slot in schedule.pack([((p.sender, p.rail), (p.receiver, p.rail)) for p in pairs])]


@dataclass(frozen=True)
class SuspectResult:
    suspect: Suspect
    slow_with: tuple[Measure, ...]
    good_with: tuple[Measure, ...]

    @property
    def slow_partners(self) -> int:
        return len({_partner(m, self.suspect) for m in self.slow_with})

    @property
    def good_partners(self) -> int:
        return len({_partner(m, self.suspect) for m in self.good_with})

    @property
    def status(self) -> str:
        if self.slow_partners >= MIN_PARTNERS:
            return "blamed"
        if self.good_partners >= MIN_PARTNERS or (self.good_partners and not self.slow_partners):
            return "cleared"
        return "inconclusive"


def _partner(m: Measure, suspect: Suspect) -> str:
    return m.receiver if m.sender == suspect.node else m.sender


def _plays(m: Measure, suspect: Suspect) -> bool:
    if m.rail != suspect.rail:
        return False
    if suspect.role == "send":
        return m.sender == suspect.node
    if suspect.role == "recv":
        return m.receiver == suspect.node
    return suspect.node in (m.sender, m.receiver)


def judge_suspects(first: FirstPass, second: Iterable[Measure]) -> list[SuspectResult]:
    """Each suspect's re-test figures split into slow and good (against the first pass's limit); a run with a
    partner that is itself under suspicion (slow in half its first-pass pairs or more) does not count."""
    second = [m for m in second]
    good = {(n, rail) for rail, nodes in first.good.items() for n in nodes}
    tainted = {(n, m.rail) for m in first.slow for n in (m.sender, m.receiver)} - good
    results = []
    for suspect in first.suspects:
        mine = [m for m in second if _plays(m, suspect) and (_partner(m, suspect), m.rail) not in tainted]
        results.append(SuspectResult(suspect, tuple(m for m in mine if is_slow(m, first.limit)),
                                     tuple(m for m in mine if not is_slow(m, first.limit))))
    return results
