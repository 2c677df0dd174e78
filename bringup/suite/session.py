"""A suite run's state, kept in ``config.stash[STATE]``: what to check (cluster, nodes, layers), where results go
(the run directory) and how nodes are reached (the prober and its transports, or a recorded run's replay)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from bringup import demo
from bringup.designs import layer_of_path, parse_layer_selection
from bringup.gating import Gate
from bringup.inventory import (Cluster, InventoryError, Node, ansible_source, load_inventory, load_recorded,
                               write_resolved)
from bringup.probe.prober import Prober
from bringup.probe.transport import ReplayTransport, TestinfraTransport
from bringup.probes import kubeapi
from bringup.rundir import REPORTS_ROOT, RunDir, RunDirError, new_run_id

SUITES_ROOT = Path(__file__).resolve().parents[2] / "suites"


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


def _is_suite_path(arg: str) -> bool:
    path = Path(arg.split("::")[0]).resolve()
    return path == SUITES_ROOT or SUITES_ROOT in path.parents or layer_of_path(str(path)) is not None \
        or path.name == "suites"


def suite_mode(config: pytest.Config) -> bool:
    """A suite run: --replay, or a path under suites/ (any folder named suites, or an lNN_* layer folder)."""
    return bool(config.getoption("replay") or any(_is_suite_path(a) for a in config.args))


def runs_tests(config: pytest.Config) -> bool:
    """False for --collect-only, --setup-plan, --help, --version, --fixtures: they run no check, so they write
    no run directory and leave reports/latest where it was."""
    return not any(config.getoption(name, False) for name in
                   ("collectonly", "setupplan", "help", "version", "showfixtures", "show_fixtures_per_test"))


def select_nodes(cluster: Cluster, spec: str | None) -> list[Node]:
    if not spec:
        return list(cluster.nodes)
    patterns = [p.strip() for p in spec.split(",") if p.strip()]
    chosen = [n for n in cluster.nodes if any(fnmatch.fnmatch(n.name, p) or p in n.groups for p in patterns)]
    if not chosen:
        raise pytest.UsageError(f"--nodes {spec!r} matches no node of {cluster.path} "
                                f"(nodes: {', '.join(n.name for n in cluster.nodes)})")
    return chosen


def load_state(config: pytest.Config) -> State:
    """The cluster from --inventory (or the recorded run's own inventory under --replay), the selected nodes
    and layers; a bad option or inventory is a one-line usage error."""
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
    return State(cluster, select_nodes(cluster, config.getoption("nodes")), layers,
                 Path(replay).resolve() if replay else None, not config.getoption("no_gate"), kubectl=kubectl)


def create_run_dir(config: pytest.Config, state: State) -> RunDir:
    """The controller's new run directory: meta.json, the inventory snapshot and its resolved form (what
    --replay reads back)."""
    root = Path(config.getoption("reports_dir") or REPORTS_ROOT)
    try:
        run = RunDir.create(root, new_run_id(state.cluster.name), {
            "inventory": str(state.cluster.path),
            "inventory_digest": state.cluster.digest,
            "design": state.cluster.design.slug,
            "nodes": [n.name for n in state.nodes],
            "layers": sorted(state.layers),
            "replay_of": str(state.replay) if state.replay else None,
        })
    except RunDirError as exc:
        raise pytest.UsageError(str(exc)) from None
    for warning in run.snapshot(state.cluster.path):
        config.issue_config_time_warning(UserWarning(warning), stacklevel=2)
    try:
        write_resolved(state.cluster, run.path / "inventory", run.redactor.data)
        run.write_meta()
    except OSError as exc:  # a full or read-only disk: one clear line, not an INTERNALERROR
        raise pytest.UsageError(f"reports directory {run.path}: {exc.strerror or exc}") from None
    return run


def transport_factory(config: pytest.Config, state: State) -> Callable[[Node], Any]:
    if state.replay:
        return lambda node: ReplayTransport(node, state.replay)
    backend = config.getoption("transport")

    def live(node: Any) -> Any:
        if isinstance(node, kubeapi.KubectlSubject):  # the controller (local) or the declared kubectl host
            return node.transport(backend, ansible_source(state.cluster.path))
        return TestinfraTransport(node, backend, ansible_source(state.cluster.path))

    return live


def start(config: pytest.Config) -> State:
    """The state of a suite run. An xdist worker writes into its controller's run directory; --collect-only
    and friends get none (they run no check)."""
    state = load_state(config)
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        run_path = workerinput.get("bringup_run_dir")
        state.run = RunDir(Path(run_path)) if run_path else None
    elif runs_tests(config):
        state.run = create_run_dir(config, state)
    state.prober = Prober(transport_factory(config, state), state.run.path if state.run else None,
                          timeout_s=config.getoption("probe_timeout"))
    return state
