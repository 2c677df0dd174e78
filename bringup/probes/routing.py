"""Layer 9 probes: per-rail addresses, source-policy rules and tables, the route to each rail's peer, and
the ARP/rp_filter sysctls (layers.md L9).

The kernel applies the larger of ``conf.all.X`` and ``conf.<if>.X`` for rp_filter, arp_ignore and
arp_announce (``Documentation/networking/ip-sysctl.rst``), so both are read. In a sysctl key a dot inside
an interface name is written as ``/``.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import ip_addr, ip_route, ip_rule, sysctl as sysctl_parser
from bringup.probes import Probe, bootstrap

if TYPE_CHECKING:
    from bringup.inventory import Node

IP_ADDR = Probe("ip-addr", "ip -j addr show", parser=ip_addr.parse)
IP_RULE = Probe("ip-rule", "ip -j rule show", parser=ip_rule.parse)
SYSCTLS = ("rp_filter", "arp_ignore", "arp_announce")


def sysctl_key(ifname: str, name: str) -> str:
    return f"net.ipv4.conf.{ifname.replace('.', '/')}.{name}"


def sysctl(node: "Node") -> Probe:
    keys = [sysctl_key("all", n) for n in SYSCTLS]
    keys += [sysctl_key(rail.netdev, n) for rail in node.rails for n in SYSCTLS]
    return Probe("sysctl", "sysctl " + " ".join(quote(k) for k in keys), parser=sysctl_parser.parse_int)


def table(rail) -> Probe:
    return Probe(f"route-table-{rail.name}", f"ip -j route show table {int(rail.table)}",
                 parser=ip_route.parse)


def route_get(node: "Node", rail) -> Probe | None:
    peer = node.rail_peers.get(rail.name)
    if peer is None or rail.address is None:
        return None
    return Probe(f"route-get-{rail.name}", f"ip -j route get {quote(peer[1])} from {quote(str(rail.address.ip))}",
                 parser=ip_route.parse)


def plan(node: "Node") -> list[Probe]:
    extra = bootstrap.plan(node)
    if not node.rails:  # the frontend and bootstrap-interface checks still need the addresses
        return [IP_ADDR] + extra if (node.frontend or extra) else []
    probes = [IP_ADDR, IP_RULE, sysctl(node)] + extra
    for rail in node.rails:
        if rail.table is not None:
            probes.append(table(rail))
        if (probe := route_get(node, rail)) is not None:
            probes.append(probe)
    return probes
