"""Layer 4 probes (host-side evidence only): a don't-fragment ping per rail at the full host MTU.

``-s`` is the MTU minus 28 bytes (20 IPv4 + 8 ICMP header), so the IP packet is exactly one MTU: 8972 for
9000 (layers.md L4). The peer is the next node on the same rail (bringup.pairs); ``-i 0.2`` is the
shortest interval iputils allows an unprivileged user, ``-W 2`` bounds the wait for a reply. ping exits 1
when replies were lost: that is an answer (the summary line says how many), so rc 1 is allowed.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import ping as ping_parser
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

IP_ICMP_HEADERS = 28


def mtu_of(node: "Node", rail) -> int | None:
    return rail.mtu or node.fabric.mtu


def ping(node: "Node", rail) -> Probe | None:
    peer = node.rail_peers.get(rail.name)
    mtu = mtu_of(node, rail)
    if peer is None or mtu is None or rail.address is None:
        return None
    size = mtu - IP_ICMP_HEADERS
    return Probe(f"ping-{rail.name}",
                 f"ping -M do -s {size} -c 3 -i 0.2 -W 2 -I {quote(rail.netdev)} {quote(peer[1])}",
                 parser=ping_parser.parse, allow_rc=(0, 1))


def plan(node: "Node") -> list[Probe]:
    return [p for rail in node.rails if (p := ping(node, rail)) is not None]
