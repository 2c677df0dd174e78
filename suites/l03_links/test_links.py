"""L3 physical links, optics and cabling, per rail (layers.md L3).

Speed comes from the inventory (bringup_rails[].speed_mbps, else bringup_hardware.nic_speed_mbps), else the
fleet majority of the same rail. PHY evidence (FEC, symbol errors, optics, BER) is read on RoCE NIC ports
only; the cabling plan gives each rail's leaf and port.
"""

import pytest

from bringup import expect
from bringup.checks import l03_links as judge
from bringup.checks import network
from bringup.probes import links


def _speed(facts, rail):
    return facts.get(links.settings(rail)).speed_mbps


def test_link_up_at_planned_speed(node, rail, facts, fleet, check):
    link = facts.get(links.settings(rail))
    speed = judge.planned_speed(rail.speed_mbps, node.hardware.nic_speed_mbps)
    speeds = network.rail_fleet(fleet, rail, _speed) if speed is None and link.link_detected else None
    check(judge.link_up_at_speed(node.name, rail.netdev, link, expect.declared(node, "duplex"), speed, speeds))


def test_fec_is_rs(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.fec_active(rail.netdev, facts.get(links.fec(rail)), expect.declared(node, "fec")))


def test_no_uncorrectable_symbol_errors(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.symbol_errors(node.name, rail.netdev, facts.get(links.stats(rail)),
                              expect.declared(node, "max_symbol_errors")))


def test_optics_dom_within_thresholds(node, rail, facts, check):
    network.require_roce(node, rail)
    module = facts.get(links.module(rail))
    if module.temperature_c is None:
        pytest.skip(f"{rail.netdev} on {node.name}: module {module.identifier} reports no DOM (passive copper)")
    check(judge.optics_dom(rail.netdev, module))


def test_link_ber_within_limits(node, rail, facts, check):
    network.require_roce(node, rail)
    if not rail.pci:
        pytest.skip(f"inventory declares no PCI address for {node.name} {rail.name} (mlxlink needs it)")
    check(judge.link_ber(rail.netdev, facts.get(links.mlxlink(rail)), expect.declared(node, "max_effective_ber"),
                         expect.declared(node, "max_raw_ber")))


def test_lldp_neighbour_matches_cabling_plan(node, rail, facts, cluster, check):
    if not cluster.cabling:
        pytest.skip(f"inventory declares no cabling plan (bringup_cabling_plan) for {node.name} {rail.name}")
    planned = cluster.cabling_for(node.name, rail.name)
    if planned is None:
        pytest.skip(f"inventory's cabling plan has no entry for {node.name} {rail.name}")
    neighbours = facts.get(links.LLDP).get(rail.netdev, [])
    check(judge.lldp_neighbour(node.name, rail.netdev, neighbours, planned))
