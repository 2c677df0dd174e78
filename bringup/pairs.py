"""Which node each node tests against, per rail: a pure function of the inventory (style.md 13).

The jumbo-MTU reachability check (layers.md L4) pings, from every node and rail, the *next* node in
inventory order that has an address on the same rail (a ring): every node sends once and answers once per
rail, so an MTU hole on either end of any rail shows on at least one check, with N probes instead of N².
"""

from __future__ import annotations

from typing import Iterable, Protocol


class _Rail(Protocol):
    name: str
    address: object


class _Node(Protocol):
    name: str
    rails: tuple[_Rail, ...]


def rail_peers(nodes: Iterable[_Node]) -> dict[str, dict[str, tuple[str, str]]]:
    """``{node: {rail: (peer node, peer address)}}``; a rail that only one node has gets no peer."""
    members: dict[str, list[tuple[str, str]]] = {}
    for node in nodes:
        for rail in node.rails:
            if rail.address is not None:
                address = str(getattr(rail.address, "ip", rail.address))
                members.setdefault(rail.name, []).append((node.name, address))
    peers: dict[str, dict[str, tuple[str, str]]] = {}
    for rail, ring in members.items():
        if len(ring) < 2:
            continue
        for i, (name, _) in enumerate(ring):
            peers.setdefault(name, {})[rail] = ring[(i + 1) % len(ring)]
    return peers
