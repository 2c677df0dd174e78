"""The localization stages driven through callbacks, so one driver serves a live run (the suite's BenchRunner,
:mod:`.pipeline` from :mod:`.suite`), a recorded run (:mod:`.cli`) and a simulated fleet (:mod:`.simulate`).

``measure_pairs(pairs) -> results``: one round of :class:`~.secondpass.Pair` runs (disjoint endpoints) at
once; a result is a figure, None (no figure: the run failed), a :class:`~.model.Measure` (a figure with its
run id, for the evidence), or :data:`~.model.NOT_RUN` (left out: a replay without that run).
``measure_groups(groups) -> figures``: one round of multi-node collectives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping

from bringup.bench import schedule
from bringup.localize import bisect as halving
from bringup.localize.blame import CountersOf, Decision, LinkOf, decide
from bringup.localize.model import NOT_RUN, Measure
from bringup.localize.secondpass import (PARTNERS, FirstPass, Pair, first_pass, is_slow, plan_second_pass,
                                         rounds as pair_rounds)

MeasurePairs = Callable[[list[Pair]], list["float | None | Measure"]]


@dataclass
class Localization:
    decision: Decision
    first: FirstPass
    second: list[Measure] = field(default_factory=list)
    first_rounds: int = 0
    second_rounds: int = 0
    bisection: halving.Bisection | None = None

    @property
    def rounds(self) -> int:
        return self.first_rounds + self.second_rounds + (self.bisection.rounds if self.bisection else 0)


def _as_measure(pair: Pair, result: "float | None | Measure", stage: str) -> Measure:
    if isinstance(result, Measure):
        return replace(result, stage=stage)
    return Measure(pair.sender, pair.receiver, pair.rail, result, stage=stage)


def _not_run(result: object) -> bool:
    return isinstance(result, str) and result == NOT_RUN


def run_rounds(rounds: Iterable[list[Pair]], measure: MeasurePairs, stage: str) -> tuple[list[Measure], int]:
    measures, count = [], 0
    for pairs in rounds:
        if not pairs:
            continue
        results = measure(list(pairs))
        if len(results) != len(pairs):
            raise ValueError(f"measure returned {len(results)} results for {len(pairs)} pairs")
        measures += [_as_measure(p, r, stage) for p, r in zip(pairs, results) if not _not_run(r)]
        count += 1
    return measures, count


def first_pass_rounds(rails: Mapping[str, list[list[tuple[str, str]]]]) -> list[list[Pair]]:
    """Per-rail schedules (:mod:`bringup.bench.schedule`) side by side: round i of every rail together (each
    rail its own NICs and leaves)."""
    depth = max((len(r) for r in rails.values()), default=0)
    return [[Pair(a, b, rail) for rail, rounds in rails.items() if i < len(rounds) for a, b in rounds[i]]
            for i in range(depth)]


def localize_pairs(measures: Iterable[Measure], measure: MeasurePairs, *, limit: float | None, unit: str,
                   directional: bool = True, leaf_of: Mapping[tuple[str, str], str] | None = None,
                   link_of: LinkOf | None = None, counters_of: CountersOf | None = None, seed: int = 0,
                   partners: int = PARTNERS, extra_good: Mapping[str, Iterable[str]] | None = None) -> Localization:
    """First-pass figures in; the suspects re-tested through ``measure``; the blames out."""
    first = first_pass(measures, limit, directional)
    planned = plan_second_pass(first, leaf_of, partners, seed, extra_good)
    second, count = run_rounds(pair_rounds(planned), measure, "second")
    kwargs = {k: v for k, v in (("link_of", link_of), ("counters_of", counters_of)) if v is not None}
    return Localization(decide(first, second, unit=unit, **kwargs), first, second, 0, count)


def localize_fleet(nodes_by_rail: Mapping[str, list[str]], measure: MeasurePairs, *, k: int, limit: float | None,
                   unit: str, seed: int = 0, leaf_of: Mapping[tuple[str, str], str] | None = None,
                   link_of: LinkOf | None = None, baseline_limit: float | None = None) -> Localization:
    """A whole fleet: a bounded sample per rail (every node with ``k`` distinct partners), then the second
    pass. ``limit`` None: the fleet's own outlier limit from the first pass (with ``baseline_limit``)."""
    from bringup.localize.secondpass import slow_limit

    plans = {rail: schedule.sample_rounds(nodes, k, seed) for rail, nodes in nodes_by_rail.items()}
    measures, count = run_rounds(first_pass_rounds(plans), measure, "first")
    if limit is None:
        limit = slow_limit([m.value for m in measures], baseline_limit)
    found = localize_pairs(measures, measure, limit=limit, unit=unit, leaf_of=leaf_of, link_of=link_of, seed=seed,
                           directional=False)
    found.first_rounds = count
    return found


def localize_collective(nodes: list[str], rails: list[str], measure_groups: halving.MeasureGroups,
                        group_slow: Callable[[halving.Group, float | None], bool], measure: MeasurePairs, *,
                        pair_limit: float | None, unit: str, seed: int = 0,
                        leaf_of: Mapping[tuple[str, str], str] | None = None,
                        link_of: LinkOf | None = None, counters_of: CountersOf | None = None) -> Localization:
    """A slow multi-node collective: bisect to the smallest failing sets, then all pairs per rail inside each
    (they are small), then the second pass with the nodes the bisection cleared as known-good partners."""
    found = halving.bisect(nodes, measure_groups, group_slow)
    inside = [n for group in found.failing for n in group]
    cleared = [n for n in nodes if n not in inside]
    plans: dict[str, list[list[tuple[str, str]]]] = {}
    for rail in rails:
        per_set = [schedule.circle_rounds(list(group)) for group in found.failing]
        depth = max((len(r) for r in per_set), default=0)
        plans[rail] = [[p for r in per_set if i < len(r) for p in r[i]] for i in range(depth)]
    measures, count = run_rounds(first_pass_rounds(plans), measure, "first")
    located = localize_pairs(measures, measure, limit=pair_limit, unit=unit, leaf_of=leaf_of, link_of=link_of,
                             counters_of=counters_of, seed=seed, directional=False,
                             extra_good={rail: cleared for rail in rails})
    located.first_rounds, located.bisection = count, found
    return located


__all__ = ["Localization", "localize_pairs", "localize_fleet", "localize_collective", "run_rounds",
           "first_pass_rounds", "is_slow"]
