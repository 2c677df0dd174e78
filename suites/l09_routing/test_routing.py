"""L9 host IP & multi-rail routing, per rail (layers.md L9): the planned address on the rail netdev, one
``from <rail-ip> lookup <table>`` rule per rail, the rail table routing via the rail, the route to the
rail's peer leaving through the rail, and the ARP/rp_filter sysctls that keep multi-rail hosts sane.
"""

import pytest

from bringup import expect
from bringup.parsers import ip_addr, ip_route, ip_rule, sysctl
from bringup.probes.routing import sysctl_key


def _require_address(node, rail):
    if rail.address is None:
        pytest.skip(f"inventory declares no address for {node.name} {rail.name}")


def _require_table(node, rail):
    _require_address(node, rail)
    if rail.table is None:
        pytest.skip(f"inventory declares no routing table for {node.name} {rail.name} (no source routing planned)")


def test_rail_address_matches_plan(node, rail, facts, check):
    _require_address(node, rail)
    interfaces = facts.parsed("ip-addr", ip_addr.parse)
    assert rail.netdev in interfaces, f"{node.name} has no interface {rail.netdev}"
    found = interfaces[rail.netdev].ipv4
    check.record([str(a) for a in found], str(rail.address))
    assert found == (rail.address,), \
        f"{rail.netdev} on {node.name} has IPv4 {[str(a) for a in found] or 'none'}; plan: {rail.address}"


def test_source_rule_per_rail(node, rail, facts, check):
    _require_table(node, rail)
    ip = str(rail.address.ip)
    rules = [r for r in facts.parsed("ip-rule", ip_rule.parse) if r.src == ip and r.srclen in (None, 32)]
    check.record([f"{r.priority}: from {r.src} lookup {r.table}" for r in rules], f"from {ip} lookup {rail.table}")
    assert [r.table for r in rules] == [str(rail.table)], \
        f"{node.name}: want one rule `from {ip} lookup {rail.table}`, found {[r.table for r in rules] or 'none'}"


def test_rail_table_routes_via_rail(node, rail, facts, check):
    _require_table(node, rail)
    routes = facts.parsed(f"route-table-{rail.name}", ip_route.parse)
    check.record([f"{r.dst} dev {r.dev}" for r in routes], f"routes via {rail.netdev}")
    assert routes, f"table {rail.table} of {node.name} is empty: {rail.name} has no source-policy route"
    stray = [f"{r.dst} dev {r.dev}" for r in routes if r.dev != rail.netdev]
    assert not stray, f"table {rail.table} ({rail.name}) routes via other interfaces: {stray}"


def test_route_to_peer_egresses_via_rail(node, rail, facts, check):
    peer = node.rail_peers.get(rail.name)
    if peer is None or rail.address is None:
        pytest.skip(f"inventory has no other node with an address on {rail.name}")
    routes = facts.parsed(f"route-get-{rail.name}", ip_route.parse)
    assert len(routes) == 1, f"`ip route get {peer[1]} from {rail.address.ip}` printed {len(routes)} routes"
    check.equal(f"egress of {rail.address.ip} -> {peer[1]}", routes[0].dev,
                expect.Expected(rail.netdev, f"inventory bringup_rails[{rail.name}].netdev"))


def _effective(values, netdev, name):
    """The kernel uses max(conf/all, conf/<if>) for these three (Documentation/networking/ip-sysctl.rst)."""
    keys = (sysctl_key("all", name), sysctl_key(netdev, name))
    missing = [k for k in keys if k not in values]
    if missing:
        pytest.fail(f"sysctl printed no {missing[0]}")
    return max(values[k] for k in keys)


def test_rp_filter_off_or_loose(node, rail, facts, check):
    values = facts.parsed("sysctl", sysctl.parse_int)
    allowed = expect.declared(node, "rp_filter")
    measured = _effective(values, rail.netdev, "rp_filter")
    check.record(measured, allowed)
    assert measured in allowed.value, (f"effective rp_filter on {rail.netdev} is {measured} (1 = strict drops "
                                       f"asymmetric multi-rail replies); allowed {allowed.value} ({allowed.source})")


def test_arp_ignore_and_announce(node, rail, facts, check):
    values = facts.parsed("sysctl", sysctl.parse_int)
    measured = {n: _effective(values, rail.netdev, n) for n in ("arp_ignore", "arp_announce")}
    wanted = {n: expect.declared(node, n) for n in measured}
    check.equal(f"effective ARP sysctls on {rail.netdev}", measured,
                expect.Expected({n: w.value for n, w in wanted.items()}, wanted["arp_ignore"].source))
