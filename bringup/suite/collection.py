"""Suite items from the cluster model: one per node, node x rail or node x GPU; each tagged with its layer and
the nodes that gate it; those outside the design or --layers deselected, the rest ordered bottom-up."""

from __future__ import annotations

import pytest

from bringup.designs import layer_of_path
from bringup.inventory import Node
from bringup.suite.session import State

LAYER = pytest.StashKey[int]()   # the item's layer number
NODES = pytest.StashKey[list]()  # the names of the nodes whose failure at a lower layer blocks the item


def parametrize(metafunc: pytest.Metafunc, state: State) -> None:
    """``node`` (and ``rail`` or ``gpu``) of a suite test, from the selected nodes; a node that declares no
    rail (GPU) gets one skipped item that says so, not silence."""
    if layer_of_path(str(metafunc.definition.path)) is None:
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


def tag(item: pytest.Item) -> None:
    """The item's layer, nodes, layer marker and the properties its result record starts with."""
    layer = layer_of_path(str(item.path))
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


def select(items: list[pytest.Item], state: State) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """(kept, deselected): suite items of layers outside the design or --layers are deselected; the kept ones
    run bottom-up, in collection order within a layer (the sort is stable), other items first."""
    keep, drop = [], []
    for item in items:
        layer = item.stash.get(LAYER, None)
        if layer is not None and (layer not in state.cluster.design.layers or layer not in state.layers):
            drop.append(item)
        else:
            keep.append(item)
    keep.sort(key=lambda i: i.stash.get(LAYER, 0))
    return keep, drop
