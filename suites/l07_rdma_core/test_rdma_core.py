"""L7 NIC driver & RDMA core, per RoCE rail (layers.md L7): the RDMA link is ACTIVE on the rail's netdev,
the port is an Ethernet port at the contract's RoCE MTU, a RoCE v2 GID carries the rail address, RDMA-CM
defaults to RoCE v2, the netdev MTU matches the plan, and the RDMA netns mode matches the design.
"""

import pytest

from bringup import expect
from bringup.checks import network
from bringup.parsers import (gid_sysfs, ibv_devinfo, ip_link, modinfo, ofed_info, proc_modules, rdma_cm, rdma_link,
                             rdma_system)


def test_rdma_link_active_on_rail_netdev(node, rail, facts, check):
    network.require_roce(node, rail)
    links = [link for link in facts.parsed("rdma-link", rdma_link.parse) if link.device == rail.rdma_device]
    assert links, f"no RDMA link {rail.rdma_device} on {node.name} (`rdma link show` lists none)"
    link = links[0]
    check.record(f"{link.state} {link.physical_state} {link.netdev}", f"ACTIVE LINK_UP {rail.netdev}")
    assert link.netdev == rail.netdev, f"{rail.rdma_device} is bound to netdev {link.netdev}, plan says {rail.netdev}"
    assert (link.state, link.physical_state) == ("ACTIVE", "LINK_UP"), \
        f"{rail.rdma_device}/{link.port} state {link.state} physical_state {link.physical_state}"


def test_port_is_active_ethernet_at_roce_mtu(node, rail, facts, check):
    network.require_roce(node, rail)
    devices = facts.parsed(f"ibv_devinfo-{rail.name}", ibv_devinfo.parse)
    if rail.rdma_device not in devices:
        pytest.fail(f"`ibv_devinfo -d {rail.rdma_device}` on {node.name} printed no such hca_id")
    port = devices[rail.rdma_device].ports[min(devices[rail.rdma_device].ports)]
    assert port.link_layer == "Ethernet", f"{rail.rdma_device} link_layer {port.link_layer}, not Ethernet (RoCE)"
    assert port.state == "PORT_ACTIVE", f"{rail.rdma_device} port {port.number} state {port.fields['state']}"
    check.equal(f"{rail.rdma_device} active_mtu", port.active_mtu, network.fabric(node, "roce_mtu"))


def test_roce_v2_gid_carries_rail_address(node, rail, facts, check):
    network.require_roce(node, rail)
    gids = facts.parsed(f"gids-{rail.name}", gid_sysfs.parse, allow_rc=(0, 2))
    v2 = [g for g in gids if g.type == "RoCE v2"]
    wanted = str(rail.address.ip) if rail.address else None
    check.record([f"{g.index}:{g.ipv4 or g.gid}" for g in v2], wanted or "any RoCE v2 GID")
    assert v2, f"{rail.rdma_device} on {node.name} has no RoCE v2 GID (types: {sorted({g.type for g in gids})})"
    if wanted:
        assert any(g.ipv4 == wanted for g in v2), \
            f"{rail.rdma_device}: no RoCE v2 GID for the rail address {wanted} (v2 GIDs: {[g.gid for g in v2]})"


def test_rdma_cm_default_mode_is_roce_v2(node, rail, facts, check):
    network.require_roce(node, rail)
    defaults = facts.parsed(f"roce_mode-{rail.name}", rdma_cm.parse)
    port = defaults.get((rail.rdma_device, 1))
    assert port is not None, f"configfs rdma_cm shows no port 1 for {rail.rdma_device}"
    check.equal(f"{rail.rdma_device} default_roce_mode", port.roce_mode, expect.declared(node, "roce_mode"))


def _mtu(facts, rail):
    return facts.parsed("ip-link", ip_link.parse)[rail.netdev].mtu


def test_host_mtu_matches_plan(node, rail, facts, fleet, check):
    links = facts.parsed("ip-link", ip_link.parse)
    assert rail.netdev in links, f"{node.name} has no interface {rail.netdev} (`ip link` lists {sorted(links)[:8]})"
    declared = rail.mtu or node.fabric.mtu
    if declared is None:
        check.fleet_identical(f"{rail.netdev} MTU", node.name, network.rail_fleet(fleet, rail, _mtu), None)
        return
    source = "bringup_rails[].mtu" if rail.mtu else "bringup_fabric.mtu"
    check.equal(f"{rail.netdev} MTU", links[rail.netdev].mtu, expect.Expected(declared, f"inventory {source}"))


def test_rdma_netns_mode_matches_design(node, facts, fleet, check):
    if not any(rail.rdma_device for rail in node.rails):
        pytest.skip(f"inventory declares no RDMA devices for {node.name}")
    facts.parsed("rdma-system", rdma_system.parse)  # this node's own garbled output fails here, by name
    declared = expect.declared(node, "rdma_netns")
    if declared is not None and isinstance(declared.value, dict):  # the policy's per-design table
        value = declared.value.get(node.design.slug)
        declared = expect.Expected(value, f"{declared.source} for {node.design.slug}") if value else None
    modes = fleet(lambda f: f.parsed("rdma-system", rdma_system.parse).netns)
    check.fleet_identical("RDMA netns mode", node.name, modes, declared)


def _require_rdma(node):
    if not any(rail.rdma_device for rail in node.rails):
        pytest.skip(f"inventory declares no RDMA devices for {node.name}")


def _stack(facts):
    if facts.result("rdma-stack").command.startswith("ofed_info"):
        info = facts.parsed("rdma-stack", ofed_info.parse)
        return f"{info.flavour}-{info.version}"
    info = facts.parsed("rdma-stack", modinfo.parse)  # inbox: the kernel's own mlx5_core build
    return f"inbox mlx5_core {modinfo.version(info) or info.get('srcversion', ['?'])[0]}"


def test_rdma_stack_identical_fleet_wide(node, facts, fleet, check):
    _require_rdma(node)
    _stack(facts)  # this node's own unreadable output fails here, by name
    check.fleet_identical("RDMA stack", node.name, fleet(_stack), expect.declared(node, "rdma_stack"))


def test_rdma_modules_loaded(node, facts, check):
    _require_rdma(node)
    text = facts.output("rdma-modules", allow_rc=(0, 1))
    loaded = proc_modules.parse(text) if text.strip() else {}
    wanted = expect.declared(node, "rdma_modules")
    missing = [m for m in wanted.value if m not in loaded or loaded[m].state != "Live"]
    check.record(sorted(loaded), wanted)
    assert not missing, f"{node.name}: RDMA modules not loaded: {', '.join(missing)} ({wanted.source})"
