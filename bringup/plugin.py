"""The pytest plugin: options, parametrization from the cluster model, gating, probing and the run directory.

Heavy lifting lives in plain modules (inventory, probe, gating, rundir, report); this file wires them into
pytest's hooks. State lives in ``config.stash``.
"""

from __future__ import annotations

import fnmatch
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from bringup import demo
from bringup.designs import LAYERS, Design, layer_of_path, parse_layer_selection
from bringup.gating import BLOCKED_PREFIX, Gate
from bringup.inventory import (Cluster, InventoryError, Node, ansible_source, load_inventory, load_recorded,
                               write_resolved)
from bringup.checks.kube import KubeFacts
from bringup.checks.record import Check
from bringup.probe.prober import Prober, ProbeSet
from bringup.probe.transport import NodeUnreachable, ReplayTransport, TestinfraTransport
from bringup.probes import kubeapi
from bringup.report import junit, progress, summary
from bringup.rundir import FINISHED, INTERRUPTED, REPORTS_ROOT, RunDir, RunDirError, new_run_id, read_results

SUITES_ROOT = Path(__file__).resolve().parent.parent / "suites"
JUNIT_EVERY_S = 2.0


@dataclass
class State:
    cluster: Cluster
    nodes: list[Node]
    layers: frozenset[int]
    replay: Path | None
    gate_enabled: bool
    run: RunDir | None = None
    prober: Prober | None = None
    gate: Gate = field(default_factory=Gate)
    records: list[dict] = field(default_factory=list)
    junit_written: float = 0.0
    kubectl: kubeapi.KubectlSubject | None = None  # where kubectl reaches the cluster API (L10 operator rows)


STATE = pytest.StashKey[State]()
LAYER = pytest.StashKey[int]()
NODES = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bringup", "bringup acceptance suites")
    group.addoption("--inventory", default=None, metavar="NAME|PATH",
                    help="Ansible inventory: a name under inventories/ or a path (default: local)")
    group.addoption("--design", default=None, help="override the inventory's bringup_design (slug or D1..D5)")
    group.addoption("--layers", default=None, metavar="SPEC", help="layers to run, e.g. 1-7,13 (default: all)")
    group.addoption("--nodes", default=None, metavar="PATTERN",
                    help="comma-separated node globs or group names (default: all nodes)")
    group.addoption("--no-gate", action="store_true", help="do not skip a node's higher layers after a failure")
    group.addoption("--replay", default=None, metavar="RUN_DIR",
                    help="re-evaluate a recorded run directory without contacting any node; `demo` replays the embedded "
                         "demo (a recorded 2-node H100 cluster with one fault)")
    group.addoption("--transport", default=None, choices=["local", "ssh", "paramiko", "ansible"],
                    help="force a testinfra backend (default: from ansible_connection, else ssh)")
    group.addoption("--probe-timeout", type=float, default=30.0, metavar="S",
                    help="seconds one probe command may run before it is killed and reported (default 30)")
    group.addoption("--reports-dir", default=None, metavar="DIR", help="where run directories go (default reports/)")


def _is_suite_path(arg: str) -> bool:
    path = Path(arg.split("::")[0]).resolve()
    return path == SUITES_ROOT or SUITES_ROOT in path.parents or layer_of_path(str(path)) is not None \
        or path.name == "suites"


def _suite_mode(config: pytest.Config) -> bool:
    return bool(config.getoption("replay") or any(_is_suite_path(a) for a in config.args))


def _select_nodes(cluster: Cluster, spec: str | None) -> list[Node]:
    if not spec:
        return list(cluster.nodes)
    patterns = [p.strip() for p in spec.split(",") if p.strip()]
    chosen = [n for n in cluster.nodes if any(fnmatch.fnmatch(n.name, p) or p in n.groups for p in patterns)]
    if not chosen:
        raise pytest.UsageError(f"--nodes {spec!r} matches no node of {cluster.path} "
                                f"(nodes: {', '.join(n.name for n in cluster.nodes)})")
    return chosen


def _load_state(config: pytest.Config) -> State:
    replay = config.getoption("replay")
    inventory = config.getoption("inventory")
    recorded = None
    if demo.is_demo(replay):  # the embedded demo: a recorded H100 cluster with one fault (bringup/demo.py)
        root = Path(config.getoption("reports_dir") or REPORTS_ROOT)
        replay = str(demo.recorded(root) if hasattr(config, "workerinput") else demo.build(root))
    if replay:
        replay_path = Path(replay).resolve()
        if not (replay_path / "probes").is_dir():
            raise pytest.UsageError(f"--replay {replay}: not a run directory (no probes/ folder)")
        if inventory is None:  # the recorded inventory is data: json (or plain YAML), never ansible
            recorded = replay_path / "inventory"
    try:
        cluster = load_recorded(recorded, config.getoption("design")) if recorded else \
            load_inventory(inventory or "local", config.getoption("design"))
        layers = parse_layer_selection(config.getoption("layers")) if config.getoption("layers") else \
            frozenset(range(1, 16))
        kubectl = kubeapi.subject(cluster)
    except (InventoryError, ValueError) as exc:
        raise pytest.UsageError(str(exc)) from None
    return State(cluster, _select_nodes(cluster, config.getoption("nodes")), layers,
                 Path(replay).resolve() if replay else None, not config.getoption("no_gate"), kubectl=kubectl)


def _transport_factory(config: pytest.Config, state: State) -> Callable[[Node], Any]:
    if state.replay:
        return lambda node: ReplayTransport(node, state.replay)
    backend = config.getoption("transport")

    def live(node: Any) -> Any:
        if isinstance(node, kubeapi.KubectlSubject):  # the controller (local) or the declared kubectl host
            return node.transport(backend, ansible_source(state.cluster.path))
        return TestinfraTransport(node, backend, ansible_source(state.cluster.path))

    return live


def _runs_tests(config: pytest.Config) -> bool:
    """False for --collect-only, --setup-plan, --help, --version, --fixtures: they run no check, so they write
    no run directory and leave reports/latest where it was."""
    return not any(config.getoption(name, False) for name in
                   ("collectonly", "setupplan", "help", "version", "showfixtures", "show_fixtures_per_test"))


def pytest_configure(config: pytest.Config) -> None:
    for layer in LAYERS:
        config.addinivalue_line("markers", f"{layer.marker}: layer {layer.number}, {layer.title}")
    if not _suite_mode(config):
        return
    state = _load_state(config)
    config.stash[STATE] = state
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        run_path = workerinput.get("bringup_run_dir")
        state.run = RunDir(Path(run_path)) if run_path else None
    elif _runs_tests(config):
        root = Path(config.getoption("reports_dir") or REPORTS_ROOT)
        try:
            state.run = RunDir.create(root, new_run_id(state.cluster.name), {
                "inventory": str(state.cluster.path),
                "inventory_digest": state.cluster.digest,
                "design": state.cluster.design.slug,
                "nodes": [n.name for n in state.nodes],
                "layers": sorted(state.layers),
                "replay_of": str(state.replay) if state.replay else None,
            })
        except RunDirError as exc:
            raise pytest.UsageError(str(exc)) from None
        for warning in state.run.snapshot(state.cluster.path):
            config.issue_config_time_warning(UserWarning(warning), stacklevel=2)
        try:
            write_resolved(state.cluster, state.run.path / "inventory", state.run.redactor.data)  # --replay reads it
            state.run.write_meta()
        except OSError as exc:  # a full or read-only disk: one clear line, not an INTERNALERROR
            raise pytest.UsageError(f"reports directory {state.run.path}: {exc.strerror or exc}") from None
    state.prober = Prober(_transport_factory(config, state), state.run.path if state.run else None,
                          timeout_s=config.getoption("probe_timeout"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With -n N (xdist's default "load" distribution): one cluster node's checks per worker, in order."""
    state = config.stash.get(STATE, None)
    if state is None or config.getvalue("dist") != "load":
        return None
    from bringup.xdist_scheduling import NodeScopeScheduling

    return NodeScopeScheduling(config, log, [n.name for n in state.nodes])


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:  # pytest-xdist: tell workers where the run directory is
    state = node.config.stash.get(STATE, None)
    if state and state.run:
        node.workerinput["bringup_run_dir"] = str(state.run.path)


# ---------------------------------------------------------------- parametrization


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    state = metafunc.config.stash.get(STATE, None)
    if state is None or layer_of_path(str(metafunc.definition.path)) is None:
        return
    names = metafunc.fixturenames
    if "rail" in names:
        values, ids = [], []
        for node in state.nodes:
            if not node.rails:
                values.append(pytest.param(node, None, marks=pytest.mark.skip(
                    reason=f"inventory declares no rails for {node.name}")))
                ids.append(f"{node.name}-norail")
            for rail in node.rails:
                values.append((node, rail))
                ids.append(f"{node.name}-{rail.name}")
        metafunc.parametrize(("node", "rail"), values, ids=ids)
    elif "gpu" in names:
        values, ids = [], []
        for node in state.nodes:
            if not node.hardware.gpus:
                values.append(pytest.param(node, None, marks=pytest.mark.skip(
                    reason=f"inventory declares no GPUs for {node.name}")))
                ids.append(f"{node.name}-nogpu")
            for index in range(node.hardware.gpus or 0):
                values.append((node, index))
                ids.append(f"{node.name}-gpu{index}")
        metafunc.parametrize(("node", "gpu"), values, ids=ids)
    elif "node" in names:
        metafunc.parametrize("node", state.nodes, ids=[n.name for n in state.nodes])


def _item_nodes(item: pytest.Item) -> list[str]:
    params = getattr(getattr(item, "callspec", None), "params", {})
    nodes = [params[k].name for k in ("node", "peer") if isinstance(params.get(k), Node)]
    run = params.get("bench_run")  # a benchmark run is gated by every node it runs on (bringup/bench/suite.py)
    return nodes + list(run.node_names) if run is not None else nodes


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tag each suite item with its layer, nodes, marker and properties as soon as it exists."""
    state = item.config.stash.get(STATE, None)
    layer = layer_of_path(str(item.path)) if state is not None else None
    if layer is None:
        return
    item.stash[LAYER] = layer.number
    item.stash[NODES] = _item_nodes(item)
    item.add_marker(getattr(pytest.mark, layer.marker))
    item.user_properties.append(("layer", layer.number))
    if item.stash[NODES]:
        item.user_properties.append(("node", item.stash[NODES][0]))
    params = getattr(getattr(item, "callspec", None), "params", {})
    if params.get("rail") is not None:
        item.user_properties.append(("item", params["rail"].name))
    elif params.get("gpu") is not None:
        item.user_properties.append(("item", f"gpu{params['gpu']}"))


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash.get(STATE, None)
    if state is None:
        return
    design: Design = state.cluster.design
    keep, drop = [], []
    for item in items:
        layer = item.stash.get(LAYER, None)
        if layer is None:
            keep.append(item)
        elif layer not in design.layers or layer not in state.layers:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
    keep.sort(key=lambda i: i.stash.get(LAYER, 0))  # stable: bottom-up, collection order within a layer
    items[:] = keep


# ---------------------------------------------------------------- gating


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    state = item.config.stash.get(STATE, None)
    if state is None or not state.gate_enabled or LAYER not in item.stash:
        return
    blocker = state.gate.blocker(item.stash[NODES], item.stash[LAYER])
    if blocker:
        pytest.skip(blocker.reason())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    state = item.config.stash.get(STATE, None)
    if state is not None and report.failed and LAYER in item.stash:
        state.gate.record_failure(item.stash[NODES], item.stash[LAYER], item.name)
    return report


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def cluster(pytestconfig: pytest.Config) -> Cluster:
    state = pytestconfig.stash.get(STATE, None)
    if state is None:
        pytest.skip("not an acceptance-suite run (give suites/ or --replay)")
    return state.cluster


def _state(request: pytest.FixtureRequest) -> State:
    return request.config.stash[STATE]


def _layer_probes(request: pytest.FixtureRequest, node: Node) -> ProbeSet:
    state = _state(request)
    layer = request.node.stash[LAYER]
    if not hasattr(request.config, "workerinput"):
        # Every node of this layer at once. Blocked nodes too: fleet consensus must not depend on gating
        # (or on which xdist worker saw which failure); unreachable nodes are not retried (see Prober).
        with progress.for_config(request.config, f"L{layer:02d} probes", len(state.nodes), "nodes") as shown:
            state.prober.prefetch(state.nodes, layer, progress=shown)
    return state.prober.probe(node, layer)


@pytest.fixture
def facts(request: pytest.FixtureRequest, node: Node) -> ProbeSet:
    """This node's probe results for the current layer; an unreachable node errors here, in setup."""
    probe_set = _layer_probes(request, node)
    if probe_set.error:
        raise NodeUnreachable(probe_set.error)
    return probe_set


@pytest.fixture
def kube(request: pytest.FixtureRequest) -> KubeFacts:
    """The cluster API's answers for this layer (bringup/probes/kubeapi.py): one kubectl batch per run, run
    on first use where bringup_kubernetes says, recorded and replayed like a node's probes."""
    state = _state(request)
    layer = request.node.stash[LAYER]
    subject = state.kubectl
    return KubeFacts(subject, lambda: state.prober.probe(subject, layer, kubeapi.plan(subject, state.nodes)))


@pytest.fixture
def fleet(request: pytest.FixtureRequest) -> Callable[[Callable[[ProbeSet], Any]], dict[str, Any]]:
    """``fleet(extract)`` -> {node: value} over every selected node that answered for this layer."""
    state = _state(request)

    def collect(extract: Callable[[ProbeSet], Any]) -> dict[str, Any]:
        values = {}
        for node in state.nodes:
            probe_set = _layer_probes(request, node)
            if probe_set.error:
                continue
            try:
                values[node.name] = extract(probe_set)
            except Exception:  # that node's own check reports its error
                continue
        return values

    return collect


@pytest.fixture
def check(request: pytest.FixtureRequest) -> Check:
    return Check(request.node)


# ---------------------------------------------------------------- results, junit, summary


def _outcome(report: pytest.TestReport) -> tuple[str, str]:
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        return ("blocked" if reason.startswith(BLOCKED_PREFIX) else "skipped"), reason
    if report.failed:
        crash = getattr(getattr(report.longrepr, "reprcrash", None), "message", None) or report.longreprtext
        # "bringup.probe.transport.NodeUnreachable: node03 unreachable: ..." reads better without the class.
        crash = re.sub(r"^(?:bringup\.[\w.]+|AssertionError|Failed): ", "", crash)
        return ("error" if report.when != "call" else "failed"), crash
    return "passed", ""


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    config = _CONFIG.get("config")
    state = config.stash.get(STATE, None) if config else None
    if state is None or state.run is None or hasattr(config, "workerinput"):
        return
    props = dict(report.user_properties)
    if "layer" not in props:
        return
    if not (report.when == "call" or (report.when == "setup" and not report.passed)
            or (report.when == "teardown" and report.failed)):
        return
    outcome, message = _outcome(report)
    nodeid = report.nodeid
    path, _, name = nodeid.partition("::")
    record = {
        "nodeid": nodeid,
        "name": name,
        "classname": path.removesuffix(".py").replace("/", "."),
        "outcome": outcome,
        "message": message,
        "duration": round(report.duration, 4),
        "when": report.when,
        **{k: v for k, v in props.items()},
    }
    state.records.append(record)
    state.run.append_result(record)  # a failed write (disk full) is kept in run.write_errors, never raised
    if time.time() - state.junit_written > JUNIT_EVERY_S:
        _write_junit(state)


_CONFIG: dict[str, pytest.Config] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    _CONFIG["config"] = session.config


def _write_junit(state: State) -> None:
    state.junit_written = time.time()
    try:
        junit.write(read_results(state.run.path), state.run.meta.get("run_id", state.run.path.name),
                    state.run.path / "junit.xml")
    except OSError as exc:  # disk full: the previous junit.xml stays; said at the end of the run
        error = f"{state.run.path / 'junit.xml'}: not updated: {exc.strerror or exc}"
        if error not in state.run.write_errors:
            state.run.write_errors.append(error)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE, None)
    if state is None or state.run is None or hasattr(session.config, "workerinput"):
        return
    _write_junit(state)
    counts: dict[str, int] = {}
    for record in state.records:
        counts[record["outcome"]] = counts.get(record["outcome"], 0) + 1
    status = INTERRUPTED if exitstatus == pytest.ExitCode.INTERRUPTED else FINISHED
    state.run.finish(status, exit_status=int(exitstatus), counts=counts)
    if state.run.write_errors and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR  # the report is incomplete: not a green run


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state is None or state.run is None:
        return
    tr = terminalreporter
    design = state.cluster.design
    tr.section("bringup")
    absent = [layer for layer in LAYERS if layer.number not in design.layers]
    for layer in absent:
        tr.write_line(f"L{layer.number:02d} {layer.slug}: not in design {design.id} ({design.slug})")
    for line in summary.layer_node_table(state.records):
        tr.write_line(line)
    tr.write_line(f"run directory: {state.run.path}")
    for error in state.run.write_errors:  # disk full or read-only mid-run: what was written is kept
        tr.write_line(f"run directory incomplete: {error}", red=True)
