"""One benchmark case localized from its recorded first-pass runs (shared by the suite and ``bringup localize``).

The first pass is what the layer already ran (the catalogue's pairs, :mod:`bringup.bench.plan`); the limit is
the stricter of the baseline's lower limit and the fleet's outlier limit; the second pass asks ``run_retests``
for :class:`~.recorded.Retest` runs: the suite launches them through its BenchRunner (recorded under
``bench/<id>@retest/``), a replay and the offline command read them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

import pandas as pd

from bringup.bench.plan import Planned
from bringup.bench.store import Recorded
from bringup.localize import driver
from bringup.localize.model import NOT_RUN, Blame
from bringup.localize.recorded import (CASES, COLLECTIVES, CounterDeltas, GroupRun, LinkOf, Retest, baseline_limit,
                                      figure, measure)
from bringup.localize.secondpass import slow_limit

if TYPE_CHECKING:
    from bringup.inventory import Cluster

SEED = 0  # partner choice is seeded: a replay plans the same re-tests, so it finds their records
RunRetests = Callable[[list[Planned]], Mapping[str, "Recorded | None"]]  # None: not run (a replay without it)


@dataclass
class CaseResult:
    case: str
    limit: float | None
    localization: driver.Localization | None
    note: str = ""

    @property
    def blames(self) -> list[Blame]:
        return list(self.localization.decision.blames) if self.localization else []

    @property
    def unexplained(self) -> bool:
        """Something was slow (a pair, or the collective itself) and nothing is blamed for it."""
        if self.localization is None or self.blames:
            return False
        return self.localization.bisection is not None or bool(self.localization.first.slow)

    @property
    def summary(self) -> str:
        """One line on what was found, for a pass or a skip."""
        if self.localization is None:
            return self.note
        loc = self.localization
        limit = f"{self.limit:.3g}" if self.limit is not None else "none"
        text = ""
        if loc.bisection is not None:
            sets = "; ".join("+".join(group) for group in loc.bisection.failing)
            text = f"below its baseline limit {limit}, bisected in {loc.bisection.rounds} rounds to {sets}; pairs: "
            limit = f"{loc.first.limit:.3g}" if loc.first.limit is not None else "none"
        text += (f"{len(loc.first.measures)} runs, {len(loc.first.slow)} slow (limit {limit}), "
                f"{len(loc.first.suspects)} suspects re-tested in {len(loc.second)} runs, "
                f"{len(self.blames)} blamed")
        unsure = loc.decision.inconclusive
        if unsure:
            text += "; inconclusive: " + ", ".join(
                f"{r.suspect.node} {r.suspect.rail or ''} ({r.slow_partners} slow, {r.good_partners} good partners)"
                .replace("  ", " ") for r in unsure)
        return text


def localize_case(case_id: str, first: list[tuple[Planned, Recorded]], judged: pd.DataFrame | None,
                  run_retests: RunRetests, cluster: "Cluster", run_dir: Path | None) -> CaseResult:
    how = CASES[case_id]
    runs = [(p, r) for p, r in first if len(p.nodes) == 2 and not isinstance(p, Retest)]
    if not runs:
        return CaseResult(case_id, None, None, f"{case_id}: no pair run to localize")
    measures = [measure(p, r) for p, r in runs]
    limit = slow_limit([m.value for m in measures], baseline_limit(judged, [p.id for p, _ in runs]))
    nodes = {n.name: n for n in cluster.nodes}
    case = runs[0][0].case
    records: dict[str, Recorded] = {p.id: r for p, r in runs}

    def measure_pairs(pairs):
        planned = [Retest(case, (nodes[p.sender], nodes[p.receiver]), p.rail or None) for p in pairs]
        got = run_retests(planned)
        answers = []
        for one in planned:
            record = got.get(one.id)
            if record is None:
                answers.append(NOT_RUN)
                continue
            records[one.id] = record
            answers.append(measure(one, record, "second"))
        return answers

    leaf_of = {(e.node, e.rail): e.leaf for e in cluster.cabling}
    found = driver.localize_pairs(measures, measure_pairs, limit=limit, unit=how.unit, directional=how.directional,
                                  leaf_of=leaf_of, link_of=LinkOf(cluster, run_dir),
                                  counters_of=CounterDeltas(records), seed=SEED)
    return CaseResult(case_id, limit, found)


def localize_collective_case(run: Planned, record: Recorded, judged: pd.DataFrame | None, run_planned: RunRetests,
                             cluster: "Cluster", run_dir: Path | None) -> CaseResult:
    """A multi-node collective below its baseline: bisect its nodes (subset runs ``@bisect-*``, judged against
    the same run's baseline limit: busbw of a ring is per link, so a subset of healthy nodes reaches it too),
    then the pair benchmark per rail inside the smallest failing sets (``@retest``), the nodes the bisection
    cleared as known-good partners."""
    from bringup.bench import catalogue

    metric, pair_id = COLLECTIVES[run.case.id]
    pair_case = catalogue.default().case(pair_id)
    limit = baseline_limit(judged, [run.id], metric)
    whole = figure(run, record, metric)
    if limit is None:
        return CaseResult(run.case.id, None, None, f"{run.id}: no baseline limit on its {metric}: nothing to bisect")
    if whole is not None and whole >= limit:
        return CaseResult(run.case.id, limit, None, f"{run.id}: {metric} {whole:g} is not below {limit:.3g}")
    nodes = {n.name: n for n in cluster.nodes}
    records: dict[str, Recorded] = {}

    def measure_groups(groups):
        planned = [GroupRun(run.case, tuple(nodes[n] for n in g)) for g in groups]
        got = run_planned(planned)
        return [figure(p, got[p.id], metric) if got.get(p.id) is not None else NOT_RUN for p in planned]

    def group_slow(group, value) -> bool:
        return value is None or (value != NOT_RUN and value < limit)

    def measure_pairs(pairs):
        planned = [Retest(pair_case, (nodes[p.sender], nodes[p.receiver]), p.rail or None) for p in pairs]
        got = run_planned(planned)
        answers = []
        for one in planned:
            if got.get(one.id) is None:
                answers.append(NOT_RUN)
                continue
            records[one.id] = got[one.id]
            answers.append(measure(one, got[one.id], "second"))
        return answers

    rails = [r.name for r in run.nodes[0].rails
             if r.address is not None and all(any(x.name == r.name and x.address for x in n.rails) for n in run.nodes)]
    pair_runs = [c for c in (judged["case"].unique() if judged is not None and not judged.empty else [])
                 if str(c).startswith(f"{pair_id}@")]
    found = driver.localize_collective(list(run.node_names), rails, measure_groups, group_slow, measure_pairs,
                                       pair_limit=baseline_limit(judged, pair_runs), unit="Gb/s",
                                       leaf_of={(e.node, e.rail): e.leaf for e in cluster.cabling},
                                       link_of=LinkOf(cluster, run_dir), counters_of=CounterDeltas(records))
    return CaseResult(run.case.id, limit, found)
