"""L7 NIC driver & RDMA core, per RoCE rail (layers.md L7): the RDMA link is ACTIVE on the rail's netdev,
the port is an Ethernet port at the contract's RoCE MTU, a RoCE v2 GID carries the rail address, RDMA-CM
defaults to RoCE v2, the netdev MTU matches the plan, and the RDMA netns mode matches the design.
"""

import pytest

from bringup import expect
from bringup.checks import fleet_identical
from bringup.checks import l07_rdma_core as judge
from bringup.checks import network
from bringup.probes import rdma


def test_rdma_link_active_on_rail_netdev(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.rdma_link_active(node.name, rail.rdma_device, rail.netdev, facts.get(rdma.RDMA_LINK)))


def test_port_is_active_ethernet_at_roce_mtu(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.port_active_ethernet(node.name, rail.rdma_device, facts.get(rdma.devinfo(rail)),
                                     network.fabric(node, "roce_mtu")))


def test_roce_v2_gid_carries_rail_address(node, rail, facts, check):
    network.require_roce(node, rail)
    address = str(rail.address.ip) if rail.address else None
    check(judge.roce_v2_gid(node.name, rail.rdma_device, facts.get(rdma.gids(rail)), address))


def test_rdma_cm_default_mode_is_roce_v2(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.rdma_cm_mode(rail.rdma_device, facts.get(rdma.roce_mode(rail)), expect.declared(node, "roce_mode")))


def _mtu(facts, rail):
    return facts.get(rdma.IP_LINK)[rail.netdev].mtu


def test_host_mtu_matches_plan(node, rail, facts, fleet, check):
    links = facts.get(rdma.IP_LINK)
    planned = judge.planned_mtu(rail.mtu, node.fabric.mtu)
    mtus = network.rail_fleet(fleet, rail, _mtu) if planned is None and rail.netdev in links else None
    check(judge.host_mtu(node.name, rail.netdev, links, planned, mtus))


def _require_rdma(node):
    if not any(rail.rdma_device for rail in node.rails):
        pytest.skip(f"inventory declares no RDMA devices for {node.name}")


def test_rdma_netns_mode_matches_design(node, facts, fleet, check):
    _require_rdma(node)
    facts.get(rdma.RDMA_SYSTEM)  # this node's own garbled output fails here, by name
    declared = judge.design_netns(expect.declared(node, "rdma_netns"), node.design.slug)
    modes = fleet(lambda f: f.get(rdma.RDMA_SYSTEM).netns)
    check(fleet_identical("RDMA netns mode", node.name, modes, declared))


def _stack(facts):
    return judge.stack_release(rdma.stack(facts))


def test_rdma_stack_identical_fleet_wide(node, facts, fleet, check):
    _require_rdma(node)
    _stack(facts)  # this node's own unreadable output fails here, by name
    check(fleet_identical("RDMA stack", node.name, fleet(_stack), expect.declared(node, "rdma_stack")))


def test_rdma_modules_loaded(node, facts, check):
    _require_rdma(node)
    check(judge.modules_loaded(node.name, facts.get(rdma.RDMA_MODULES), expect.declared(node, "rdma_modules")))
