"""The expectations a triage compares against: ``bringup/policy.yml`` alone, or merged with one node of a real
inventory (``--inventory NAME|PATH [--node N]``), the same precedence as bringup/expect.py (the inventory's
``bringup_expect`` over the policy; ``bringup_hardware``/``bringup_fabric`` as declared)."""

from __future__ import annotations

from bringup import expect
from bringup.triage.model import Context


class ContextError(ValueError):
    """The inventory or node asked for cannot supply expectations (message names which)."""


def _plain(model) -> dict:
    return {k: v for k, v in model.model_dump().items() if v is not None} if model is not None else {}


def build(source: str, inventory: str | None = None, node_name: str | None = None) -> Context:
    policy = dict(expect.policy())
    if inventory is None:
        if node_name:
            raise ContextError("--node needs --inventory")
        return Context(source=source, expect=policy)
    from bringup.inventory import InventoryError, load_inventory

    try:
        cluster = load_inventory(inventory)
    except (InventoryError, OSError, ValueError) as exc:
        raise ContextError(f"inventory {inventory}: {exc}") from None
    nodes = list(cluster.nodes)
    if not nodes:
        raise ContextError(f"inventory {inventory} has no nodes")
    if node_name:
        match = [n for n in nodes if n.name == node_name]
        if not match:
            raise ContextError(f"inventory {inventory} has no node {node_name!r} "
                               f"(nodes: {', '.join(n.name for n in nodes[:10])})")
        node = match[0]
    else:
        node = nodes[0]
    merged = {**policy, **{k: v for k, v in node.expect.items() if v is not None}}
    return Context(source=source, expect=merged, hardware=_plain(node.hardware), fabric=_plain(node.fabric))
