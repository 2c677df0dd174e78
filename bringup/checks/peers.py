"""Pair-wise checks (``node`` x ``peer``) for the suites: parametrization and which pairs to keep.

A suite module with a ``peer`` argument declares ``PEERS = "all"`` (every ordered pair, e.g. the SSH mesh) or
``PEERS = "ring"`` (each node with the next node in inventory order: N pairs instead of N², enough to show
either end of a broken pair). A check that also takes ``rail`` pairs each node with its ring neighbour on
that rail (``Node.rail_peers``). ``peer`` is a Node, so the plugin's gating sees both ends: a pair whose peer
already failed a lower layer is blocked, never failed on the healthy node.

Use from a suite folder's conftest.py::

    from bringup.checks.peers import pytest_collection_modifyitems, pytest_generate_tests  # noqa: F401
"""

from __future__ import annotations

import pytest


def keep(mode: str, fleet: list[str], node: str, peer: str) -> bool:
    """Pure: is (node, peer) one of the pairs ``mode`` asks for?"""
    if node == peer:
        return False
    if mode == "all":
        return True
    if mode == "ring":
        return len(fleet) > 1 and fleet[(fleet.index(node) + 1) % len(fleet)] == peer
    raise ValueError(f"PEERS must be 'all' or 'ring', not {mode!r}")


@pytest.hookimpl(trylast=True)  # after the plugin's node (and rail), so ids read node-peer, node-rail-peer
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "peer" not in metafunc.fixturenames:
        return
    from bringup.plugin import STATE

    state = metafunc.config.stash.get(STATE, None)
    if state is None:
        return
    metafunc.parametrize("peer", state.nodes, ids=[n.name for n in state.nodes])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep_items, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        node, peer = params.get("node"), params.get("peer")
        mode = getattr(getattr(item, "module", None), "PEERS", None)
        if node is None or peer is None or mode is None or not hasattr(peer, "fleet"):
            keep_items.append(item)
            continue
        rail = params.get("rail")
        if rail is not None:  # a per-rail pair: the peer is the rail's ring neighbour (bringup.pairs)
            wanted = node.rail_peers.get(rail.name, (None,))[0]
            (keep_items if peer.name == wanted else drop).append(item)
            continue
        fleet = list(peer.fleet) or [node.name, peer.name]
        (keep_items if keep(mode, fleet, node.name, peer.name) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep_items
