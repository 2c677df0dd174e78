"""The benchmarks in a suite run: options, one pytest item per planned benchmark run, and the ``bench`` fixture.

A layer's suite folder holds ``test_benchmarks.py``, whose test takes ``bench_run`` (parametrized here with
that layer's planned runs, :mod:`bringup.bench.plan`) and ``bench`` (:class:`BenchSession`). The first item of
a layer runs all of the layer's benchmarks that are not blocked by a lower-layer failure, round by round
(:mod:`bringup.bench.runner`), judges every figure against ``baselines/<profile>/`` in one pandas merge
(:mod:`bringup.bench.judge`) and writes ``bench/results.csv`` and ``bench/verdicts.csv``; each item then
reads its own verdict. ``--replay RUN`` reads ``RUN/bench/`` instead of launching anything, and
``--baselines DIR`` judges it against other baselines.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from bringup.bench import baselines as baseline_files
from bringup.bench import catalogue, judge, outputs, plan, verdict
from bringup.bench.runner import BenchRunner
from bringup.bench.store import BenchStore, Recorded
from bringup.designs import layer_of_path
from bringup.probe.prober import ProbeError
from bringup.report import progress

BASELINES_ROOT = Path(__file__).resolve().parent.parent.parent / "baselines"
SESSION = pytest.StashKey["BenchSession"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bringup", "bringup acceptance suites")
    group.addoption("--baselines", default=None, metavar="DIR",
                    help="baselines root holding <profile>/*.yaml (default: baselines/)")
    group.addoption("--strict-baselines", action="store_true",
                    help="a benchmark figure without a baseline fails instead of being reported as 'no baseline'")
    group.addoption("--no-benchmarks", action="store_true", help="skip every benchmark (catalogue runs)")


class BenchSession:
    """The run's benchmarks: planned at collection, run and judged per layer on first use, read by each item."""

    def __init__(self, config: pytest.Config, state) -> None:
        self.state = state
        self.config = config
        self.disabled = bool(config.getoption("no_benchmarks"))
        self.strict = bool(config.getoption("strict_baselines"))
        self.baselines_root = Path(config.getoption("baselines") or BASELINES_ROOT)
        self.planned = plan.plan(catalogue.default().for_design(state.cluster.design.id), state.nodes)
        self.nodes = {n.name: n for n in state.nodes}
        self._lock = threading.Lock()
        self._verdicts: dict[str, verdict.CaseVerdict] = {}
        self._layers_done: set[int] = set()
        self._frames: list[pd.DataFrame] = []
        self._judged: list[pd.DataFrame] = []
        self._baselines: pd.DataFrame | None = None
        self._baseline_note: str | None = None
        from bringup.history.gate_plugin import session_gate
        self.history = session_gate(config)  # --compare-history: earlier runs amend the verdicts

    # ------------------------------------------------------------------ collaborators

    def _store(self) -> BenchStore | None:
        return BenchStore(self.state.run.path) if self.state.run else None

    def _runner(self, store: BenchStore) -> BenchRunner:
        prober = self.state.prober
        source = BenchStore(self.state.replay) if self.state.replay else None
        return BenchRunner(prober.transport_for, store, source=source, kubectl=self._mpijobs())

    def _mpijobs(self):
        """MPIJobs go through kubectl where bringup_kubernetes says it runs (the controller or kubectl_host),
        over the same transport as the L10 cluster-API rows."""
        subject = self.state.kubectl
        if subject is None or self.state.replay:
            return None
        from bringup.bench import mpijob

        def run(line: str, timeout: float) -> tuple[int, str, str]:
            result = self.state.prober.transport_for(subject).run_batch([line], timeout)[0]
            return result.rc, result.stdout, result.stderr

        return mpijob.outcome_runner(subject.config, runner=mpijob.script_runner(run))

    def baselines(self) -> pd.DataFrame:
        """The profile's baselines; none (an empty frame and a note) when the profile has no folder."""
        if self._baselines is None:
            profile = self.state.cluster.nodes[0].profile if self.state.cluster.nodes else "default"
            try:
                self._baselines = baseline_files.load_profile(self.baselines_root, profile)
            except baseline_files.BaselineError as exc:
                if "no baselines for profile" not in str(exc):
                    raise
                self._baseline_note = str(exc)
                self._baselines = pd.DataFrame(columns=baseline_files.COLUMNS)
        return self._baselines

    # ------------------------------------------------------------------ per layer

    def rows(self, case_id: str) -> pd.DataFrame:
        """Every figure measured by the runs of catalogue case ``case_id`` (running its layer if not yet)."""
        case = catalogue.default().case(case_id)
        runs = [p for p in self.planned if p.case.id == case_id]
        if runs:
            self.verdict(runs[0])
        frames = [f for f in self._frames if not f.empty and str(f["case"].iloc[0]).startswith(f"{case.id}@")]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=judge.RESULT_COLUMNS)

    def recorded(self, run: plan.Planned) -> Recorded:
        """One run's record, launching it now if no layer has yet (a lower layer reading a higher layer's
        benchmark log: the L12 NCCL GDR row reads the L13 Ring all_reduce). It is never launched twice."""
        if self._not_recorded():
            pytest.skip(self._not_recorded())
        store = self._store()
        if store is None:
            raise RuntimeError("benchmarks need a run directory")
        with self._lock:
            return self._runner(store).run_one(run, self.nodes)

    def run_of(self, case_id: str, node: str, rail: str | None = None, *, leading: bool = False) -> plan.Planned | None:
        """The planned run of ``case_id`` that ``node`` (and ``rail``) takes part in; ``leading``: the one it
        launches (a pair's client: the sender of a perftest write)."""
        return next((p for p in self.planned if p.case.id == case_id and node in p.node_names
                     and (rail is None or p.rail == rail) and (not leading or p.node_names[0] == node)), None)

    def figure(self, run: plan.Planned, metric: str) -> float:
        """A run's last measured ``metric`` (its largest size); a run without one raises with the reason."""
        frame, error = outputs.rows_of(run, self.recorded(run))
        if error:
            raise ProbeError(error)
        values = frame[(frame["metric"] == metric) & frame["valid"].astype(bool)]
        if values.empty:
            raise ProbeError(f"{run.id} measured no valid {metric}")
        return float(values.sort_values("size", kind="stable")["value"].iloc[-1])

    def _not_recorded(self) -> str | None:
        """A replayed run that holds no benchmarks at all (it predates them, or ran with --no-benchmarks)."""
        if self.state.replay and not (Path(self.state.replay) / "bench").is_dir():
            return f"the replayed run {self.state.replay} recorded no benchmarks"
        return None

    def verdict(self, run: plan.Planned) -> verdict.CaseVerdict:
        if self._not_recorded():
            return verdict.CaseVerdict("not-recorded", self._not_recorded())
        with self._lock:
            if run.layer not in self._layers_done:
                self._layers_done.add(run.layer)
                try:
                    self._run_layer(run.layer)
                except Exception as exc:  # one broken layer run must not leave its items without a verdict
                    self._layer_error = f"L{run.layer:02d} benchmarks could not be run: {type(exc).__name__}: {exc}"
                    raise
        found = self._verdicts.get(run.id)
        if found is None:
            return verdict.CaseVerdict("fail", getattr(self, "_layer_error", None) or f"{run.id}: not run")
        return found

    def _run_layer(self, layer: int) -> None:
        gate = self.state.gate if self.state.gate_enabled else None
        runs = [p for p in self.planned if p.layer == layer and p.skip is None
                and not (gate and gate.blocker(list(p.node_names), layer))]
        store = self._store()
        if store is None or not runs:
            return
        with progress.for_config(self.config, f"L{layer:02d} benchmarks", len(runs), "runs") as shown:
            recorded = self._runner(store).run(plan.rounds(runs), self.nodes, progress=shown)
        try:
            references = self.baselines()
        except baseline_files.BaselineError as exc:
            for run in runs:
                self._verdicts[run.id] = verdict.CaseVerdict("fail", f"baselines unusable: {exc}")
            return
        per_run: dict[str, tuple[pd.DataFrame | None, str | None, list[str]]] = {}
        to_judge = []
        for run in runs:
            record = recorded.get(run.id) or Recorded(run.id, {}, outputs_error(run))
            frame, error = outputs.rows_of(run, record)
            per_run[run.id] = (frame, error, outputs.counter_failures(run, record))
            if frame is not None:
                self._frames.append(frame)
                to_judge.append(outputs.judged_rows(run, frame))
        judged = judge.judge(pd.concat(to_judge, ignore_index=True), references, strict=self.strict) \
            if to_judge else None
        if judged is not None:
            self._judged.append(judged)
        for run in runs:
            frame, error, counters_moved = per_run[run.id]
            mine = judged[judged["case"] == run.id] if judged is not None and frame is not None else None
            folded = verdict.fold(mine, launch_error=error, counter_failures=counters_moved)
            if folded.outcome == "no-baseline" and self._baseline_note:
                folded = verdict.CaseVerdict("no-baseline", self._baseline_note, folded.measured)
            if self.history is not None:
                folded = self.history.amend(run, folded, mine)
            self._verdicts[run.id] = folded
        from bringup.localize.suite import after_layer  # issue 12: re-test the slow pairs, blame (bench/blame.csv)
        after_layer(self, store, runs, recorded, judged)
        if self._frames:
            store.write_table("results", pd.concat(self._frames, ignore_index=True))
        if self._judged:
            store.write_table("verdicts", pd.concat(self._judged, ignore_index=True))


def outputs_error(run: plan.Planned):
    from bringup.bench.store import Outcome

    return Outcome(None, error=f"{run.id}: no record of this run")


def session(config: pytest.Config) -> BenchSession | None:
    from bringup.plugin import STATE

    state = config.stash.get(STATE, None)
    if state is None:
        return None
    if SESSION not in config.stash:
        config.stash[SESSION] = BenchSession(config, state)
    return config.stash[SESSION]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bench_run" not in metafunc.fixturenames:
        return
    layer = layer_of_path(str(metafunc.definition.path))
    bench = session(metafunc.config)
    if bench is None or layer is None:
        return
    runs = [p for p in bench.planned if p.layer == layer.number]
    if not runs:
        metafunc.parametrize("bench_run", [pytest.param(None, marks=pytest.mark.skip(
            reason=f"the catalogue has no L{layer.number:02d} benchmark for design {bench.state.cluster.design.id}"))],
            ids=["none"])
        return
    params = []
    for run in runs:
        reason = "--no-benchmarks" if bench.disabled else run.skip
        params.append(pytest.param(run, id=run.id, marks=[pytest.mark.skip(reason=reason)] if reason else []))
    metafunc.parametrize("bench_run", params)


@pytest.fixture
def bench(request: pytest.FixtureRequest) -> BenchSession:
    found = session(request.config)
    if found is None:
        pytest.skip("not an acceptance-suite run (give suites/ or --replay)")
    return found


def pytest_itemcollected(item: pytest.Item) -> None:
    run = getattr(getattr(item, "callspec", None), "params", {}).get("bench_run")
    if run is not None:
        item.user_properties.append(("item", run.subject))
        item.user_properties.append(("benchmark", run.case.id))


def judge_item(run: plan.Planned, bench: BenchSession, check, record_property) -> None:
    """The body of every layer's ``test_benchmark_meets_baseline``: this run's verdict, as pytest sees it."""
    found = bench.verdict(run)
    check.record(found.measured, found.reference, found.unit)
    record_property("bench_outcome", found.outcome)
    if found.pct_of_physical is not None:
        record_property("pct_of_physical", found.pct_of_physical)
    for name, value in found.properties:
        record_property(name, value)
    for warning in found.warnings:
        record_property("warning", warning)
    if found.outcome == "no-baseline":
        pytest.skip(f"no baseline: {found.message}")
    if found.outcome == "not-recorded":
        pytest.skip(found.message)
    if found.outcome == "fail":
        pytest.fail(found.message, pytrace=False)
