"""The live second pass in a suite run, and the ``test_localize`` items (a pytest plugin, conftest.py).

After a layer's benchmarks are judged (:meth:`bringup.bench.suite.BenchSession._run_layer` calls
:func:`after_layer`), every localized case of that layer (:data:`bringup.localize.recorded.CASES`) with a slow
pair is re-tested through the same BenchRunner: the re-tests are recorded under ``bench/<id>@retest/`` like
any run, so ``--replay`` reads them back and gives the same blame. ``bench/blame.csv`` collects the blames of
every layer. A multi-node collective below its baseline (:data:`bringup.localize.recorded.COLLECTIVES`) is
bisected through the same runner (``bench/<id>@bisect-*``), then paired per rail (``@retest``).
One ``test_localize[<case>]`` item per localized case of the layer (suites/l09, l13, l15): the
blames are only known once the layer ran, and one item per case keeps the items the same between a live run
and its replay; it fails with every blame, each also a JUnit property (``blame1``, ``blame2``, ...).
"""

from __future__ import annotations

import fcntl
import json
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from bringup.bench import plan
from bringup.bench.store import BenchStore
from bringup.designs import layer_of_path
from bringup.localize import table
from bringup.localize.pipeline import CaseResult, localize_case, localize_collective_case
from bringup.localize.recorded import CASES, COLLECTIVES

if TYPE_CHECKING:
    from bringup.bench.suite import BenchSession


def results_of(session: "BenchSession") -> dict[str, CaseResult]:
    return session.__dict__.setdefault("localized", {})


def after_layer(session: "BenchSession", store: BenchStore, runs: list[plan.Planned], recorded: dict,
                judged: pd.DataFrame | None) -> None:
    """Localize the layer's slow pair runs (live, or from the replayed run's re-tests) and record the blames."""
    found = results_of(session)
    source = BenchStore(session.state.replay) if session.state.replay else None
    for case_id in CASES:
        first = [(p, recorded[p.id]) for p in runs if p.case.id == case_id and p.id in recorded]
        if not first:
            continue

        def run_retests(planned, _runner=session._runner(store)):
            todo = [p for p in planned if source is None or source.read(p.id) is not None]
            done = _runner.run(plan.rounds(todo), session.nodes) if todo else {}
            return {p.id: done.get(p.id) for p in planned}

        try:
            found[case_id] = localize_case(case_id, first, judged, run_retests, session.state.cluster,
                                           session.state.run.path if session.state.run else None)
        except Exception as exc:  # the benchmarks' verdicts stand; the localize item reports this
            found[case_id] = CaseResult(case_id, None, None, f"localization failed: {type(exc).__name__}: {exc}")
    for case_id in COLLECTIVES:
        for run in (p for p in runs if p.case.id == case_id and p.id in recorded):
            def run_planned(planned, _runner=session._runner(store)):
                todo = [p for p in planned if source is None or source.read(p.id) is not None]
                done = _runner.run(plan.rounds(todo), session.nodes) if todo else {}
                return {p.id: done.get(p.id) for p in planned}

            try:
                found[case_id] = localize_collective_case(run, recorded[run.id], judged, run_planned,
                                                          session.state.cluster,
                                                          session.state.run.path if session.state.run else None)
            except Exception as exc:
                found[case_id] = CaseResult(case_id, None, None,
                                            f"localization failed: {type(exc).__name__}: {exc}")
    if session.state.run:
        _write_blames(session.state.run.path, found)


def _write_blames(run_dir, found: dict[str, CaseResult]) -> None:
    """``bench/blame.csv``: the rows of other cases (another xdist worker's layers) kept, these replaced."""
    store = BenchStore(run_dir)
    store.root.mkdir(parents=True, exist_ok=True)
    with open(store.root / ".blame.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = store.read_table(table.FILE)
        kept = old[~old["benchmark"].isin(list(found))] if old is not None and "benchmark" in old else None
        mine = table.frame([(case, b) for case, result in found.items() for b in result.blames])
        both = pd.concat([kept, mine], ignore_index=True) if kept is not None and not kept.empty else mine
        store.write_table(table.FILE, both)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "localize_case" not in metafunc.fixturenames:
        return
    from bringup.bench.suite import session

    layer = layer_of_path(str(metafunc.definition.path))
    bench = session(metafunc.config)
    if bench is None or layer is None:
        return
    cases = [c for c in (*CASES, *COLLECTIVES)
             if any(p.case.id == c and p.layer == layer.number for p in bench.planned)]
    if not cases:
        metafunc.parametrize("localize_case", [pytest.param(None, marks=pytest.mark.skip(
            reason=f"no localized pair benchmark at L{layer.number:02d} for design {bench.state.cluster.design.id}"))],
            ids=["none"])
        return
    # The id names the first node of the case's runs: xdist keeps the item with those nodes' checks
    # (bringup/xdist_scheduling.py reads node names from ids), so gating sees what a serial run sees.
    firsts = [next(p.node_names[0] for p in bench.planned if p.case.id == c) for c in cases]
    metafunc.parametrize("localize_case", cases, ids=[f"{c}@{n}" for c, n in zip(cases, firsts)])


@pytest.hookimpl(trylast=True)
def pytest_itemcollected(item: pytest.Item) -> None:
    """A localize item belongs to the nodes of its case's runs, as a benchmark item does: gated by them (a node
    failed at a lower layer blocks it, as it blocks their runs; ``--no-gate`` localizes anyway), kept on their
    xdist worker, shown under the first one in the layer x node table."""
    case_id = getattr(getattr(item, "callspec", None), "params", {}).get("localize_case")
    if case_id is None:
        return
    from bringup.bench.suite import session
    from bringup.plugin import NODES

    bench = session(item.config)
    names = list(dict.fromkeys(n for p in (bench.planned if bench else []) if p.case.id == case_id
                               for n in p.node_names))
    if names and not item.stash.get(NODES, None):
        item.stash[NODES] = names
        item.user_properties.append(("node", names[0]))
    item.user_properties.append(("item", case_id))


def localize_item(case_id: str, bench: "BenchSession", check, record_property) -> None:
    """The body of ``test_localize``: run the layer if not yet, then report this case's blames."""
    runs = [p for p in bench.planned if p.case.id == case_id]
    active = [p for p in runs if p.skip is None]
    if bench.disabled:
        pytest.skip("--no-benchmarks")
    if not active:
        pytest.skip(runs[0].skip if runs else f"{case_id} is not planned")
    if bench._not_recorded():  # a replayed run from before the benchmarks
        pytest.skip(bench._not_recorded())
    bench.verdict(active[0])  # runs the layer's benchmarks (and this localization) once
    result = results_of(bench).get(case_id)
    if result is None:
        pytest.skip(f"{case_id}: none of its runs was made (blocked by a lower layer)")
    if result.localization is None:
        pytest.fail(result.note, pytrace=False) if result.note.startswith("localization failed") \
            else pytest.skip(result.note)
    blames = result.blames
    check.record(len(blames), 0, "blames")
    for i, b in enumerate(blames, 1):
        record_property(f"blame{i}", json.dumps({"kind": b.kind, "node": b.node, "rail": b.rail, "link": b.link,
                                                 "confidence": b.confidence, "evidence": b.evidence}))
    if blames:
        pytest.fail("; ".join(f"{b.kind} {b.evidence} (confidence {b.confidence:.2f})" for b in blames)
                    + f" [{result.summary}]", pytrace=False)
    if result.unexplained:
        pytest.skip(f"cannot localize: {result.summary}")
