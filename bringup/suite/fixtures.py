"""The fixtures a suite check takes: ``cluster``, ``facts`` (this node's probes for the item's layer), ``kube``
(the cluster API's), ``fleet`` (every node's, for consensus checks) and ``check`` (the verdict recorder,
:mod:`bringup.checks.record`). Registered by :mod:`bringup.plugin` (its ``pytest_plugins``)."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from bringup.checks.kube import KubeFacts
from bringup.checks.record import Check
from bringup.inventory import Cluster, Node
from bringup.probe.prober import ProbeSet
from bringup.probe.transport import NodeUnreachable
from bringup.probes import kubeapi
from bringup.report import progress
from bringup.suite.collection import LAYER
from bringup.suite.session import STATE, State


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
