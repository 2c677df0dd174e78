"""L9 host IP & multi-rail routing, per rail (layers.md L9): the planned address on the rail netdev, one
``from <rail-ip> lookup <table>`` rule per rail, the rail table routing via the rail, the route to the
rail's peer leaving through the rail, and the ARP/rp_filter sysctls that keep multi-rail hosts sane.
"""

import pytest

from bringup import expect
from bringup.checks import l09_routing as judge
from bringup.probes import routing


def _require_address(node, rail):
    if rail.address is None:
        pytest.skip(f"inventory declares no address for {node.name} {rail.name}")


def _require_table(node, rail):
    _require_address(node, rail)
    if rail.table is None:
        pytest.skip(f"inventory declares no routing table for {node.name} {rail.name} (no source routing planned)")


def test_rail_address_matches_plan(node, rail, facts, check):
    _require_address(node, rail)
    check(judge.rail_address(node.name, rail.netdev, facts.get(routing.IP_ADDR),
                             expect.Expected(rail.address, f"inventory bringup_rails[{rail.name}].address")))


def test_source_rule_per_rail(node, rail, facts, check):
    _require_table(node, rail)
    check(judge.source_rule(node.name, str(rail.address.ip), facts.get(routing.IP_RULE),
                            expect.Expected(rail.table, f"inventory bringup_rails[{rail.name}].table")))


def test_rail_table_routes_via_rail(node, rail, facts, check):
    _require_table(node, rail)
    check(judge.table_routes_via_rail(node.name, rail.table, rail.name, rail.netdev,
                                      facts.get(routing.table(rail))))


def test_route_to_peer_egresses_via_rail(node, rail, facts, check):
    probe = routing.route_get(node, rail)
    if probe is None:
        pytest.skip(f"inventory has no other node with an address on {rail.name}")
    check(judge.egress_to_peer(str(rail.address.ip), node.rail_peers[rail.name][1], facts.get(probe),
                               expect.Expected(rail.netdev, f"inventory bringup_rails[{rail.name}].netdev")))


def test_rp_filter_off_or_loose(node, rail, facts, check):
    check(judge.rp_filter(rail.netdev, facts.get(routing.sysctl(node)), expect.declared(node, "rp_filter")))


def test_arp_ignore_and_announce(node, rail, facts, check):
    check(judge.arp_sysctls(rail.netdev, facts.get(routing.sysctl(node)), expect.declared(node, "arp_ignore"),
                            expect.declared(node, "arp_announce")))
