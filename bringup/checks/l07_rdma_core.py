"""Layer 7 judges: the NIC driver and RDMA core of a RoCE rail (layers.md L7).

Pure: each takes parsed facts (bringup.parsers) and expected values (bringup.expect.Expected) and returns the
check's one Verdict; suites/l07_rdma_core/test_rdma_core.py reads the facts and records the verdict.
"""

from __future__ import annotations

from typing import Any

from bringup.checks.verdict import Verdict, decisive, equal, fleet_identical, holds
from bringup.expect import Expected
from bringup.parsers import modinfo
from bringup.parsers.ofed_info import OfedInfo


def rdma_link_active(node: str, device: str, netdev: str, links: list) -> Verdict:
    """The rail's RDMA device is bound to the rail's netdev (a swapped pair sends RoCE out of the wrong port,
    which every later layer would blame on something else) and its port is ACTIVE / LINK_UP."""
    mine = [link for link in links if link.device == device]
    reference, source = f"ACTIVE LINK_UP {netdev}", "inventory bringup_rails[]"
    if not mine:
        return holds(f"{device} RDMA link", False, None, reference, source,
                     f"no RDMA link {device} on {node} (`rdma link show` lists none)")
    link = mine[0]
    measured = f"{link.state} {link.physical_state} {link.netdev}"
    return decisive(
        holds(f"{device} netdev", link.netdev == netdev, measured, reference, source,
              f"{device} is bound to netdev {link.netdev}, plan says {netdev}"),
        holds(f"{device} RDMA link state", (link.state, link.physical_state) == ("ACTIVE", "LINK_UP"), measured,
              reference, source, f"{device}/{link.port} state {link.state} physical_state {link.physical_state}"))


def port_active_ethernet(node: str, device: str, devices: dict, roce_mtu: Expected) -> Verdict:
    """The verbs port (its lowest-numbered one) is Ethernet (RoCE, not InfiniBand), PORT_ACTIVE, at the RoCE
    path MTU of the contract (layers.md §1.1: 4096, the largest RoCE MTU)."""
    if device not in devices:
        return holds(f"{device} verbs port", False, None, "PORT_ACTIVE Ethernet", "ibv_devinfo",
                     f"`ibv_devinfo -d {device}` on {node} printed no such hca_id")
    port = devices[device].ports[min(devices[device].ports)]
    measured = f"{port.link_layer} {port.fields['state']}"
    return decisive(
        holds(f"{device} link_layer", port.link_layer == "Ethernet", measured, "Ethernet", "RoCE",
              f"{device} link_layer {port.link_layer}, not Ethernet (RoCE)"),
        holds(f"{device} port state", port.state == "PORT_ACTIVE", measured, "PORT_ACTIVE", "ibv_devinfo",
              f"{device} port {port.number} state {port.fields['state']}"),
        equal(f"{device} active_mtu", port.active_mtu, roce_mtu))


def roce_v2_gid(node: str, device: str, gids: list, address: str | None) -> Verdict:
    """A RoCE v2 GID exists (RDMA-CM and NCCL pick v2 GIDs; a v1-only table leaves RoCE unroutable over L3),
    and, where the rail has an address, one v2 GID carries it (IPv4-mapped): NCCL_IB_GID_INDEX and rdma_cm
    resolve the rail address to that GID."""
    v2 = [g for g in gids if g.type == "RoCE v2"]
    measured = [f"{g.index}:{g.ipv4 or g.gid}" for g in v2]
    reference, source = address or "any RoCE v2 GID", "inventory bringup_rails[].address" if address else ""
    if not v2:
        return holds(f"{device} RoCE v2 GID", False, measured, reference, source,
                     f"{device} on {node} has no RoCE v2 GID (types: {sorted({g.type for g in gids})})")
    return holds(f"{device} RoCE v2 GID", address is None or any(g.ipv4 == address for g in v2), measured,
                 reference, source,
                 f"{device}: no RoCE v2 GID for the rail address {address} (v2 GIDs: {[g.gid for g in v2]})")


def rdma_cm_mode(device: str, ports: dict, mode: Expected) -> Verdict:
    """configfs rdma_cm default_roce_mode of port 1: RoCE v2 (layers.md L7 [S10][S24]), else rdma_cm
    connections (NCCL's, MPI's UCX) fall back to v1, which does not route."""
    port = ports.get((device, 1))
    if port is None:
        return holds(f"{device} default_roce_mode", False, None, mode.value, mode.source,
                     f"configfs rdma_cm shows no port 1 for {device}")
    return equal(f"{device} default_roce_mode", port.roce_mode, mode)


def planned_mtu(rail_mtu: int | None, fabric_mtu: int | None) -> Expected | None:
    """The rail's own MTU wins over the fabric's; None: the fleet majority of the rail rules."""
    if rail_mtu:
        return Expected(rail_mtu, "inventory bringup_rails[].mtu")
    if fabric_mtu is not None:
        return Expected(fabric_mtu, "inventory bringup_fabric.mtu")
    return None


def host_mtu(node: str, netdev: str, links: dict, planned: Expected | None,
             fleet_mtus: dict[str, Any] | None = None) -> Verdict:
    if netdev not in links:
        return holds(f"{netdev} MTU", False, None, planned.value if planned else None,
                     planned.source if planned else "", f"{node} has no interface {netdev} "
                     f"(`ip link` lists {sorted(links)[:8]})")
    if planned is None:
        return fleet_identical(f"{netdev} MTU", node, fleet_mtus or {}, None)
    return equal(f"{netdev} MTU", links[netdev].mtu, planned)


def design_netns(declared: Expected | None, design: str) -> Expected | None:
    """The netns mode the design needs: the policy holds a table by design slug (layers.md §3: exclusive for
    SR-IOV pods, shared on bare metal); a design the table leaves out has none (the fleet then rules)."""
    if declared is None or not isinstance(declared.value, dict):
        return declared
    value = declared.value.get(design)
    return Expected(value, f"{declared.source} for {design}") if value else None


def stack_release(info) -> str:
    """One string per stack build, comparable across the fleet: ``<flavour>-<version>`` of ``ofed_info -s``;
    on an inbox host the kernel's own mlx5_core build (its version, else its srcversion)."""
    if isinstance(info, OfedInfo):
        return f"{info.flavour}-{info.version}"
    return f"inbox mlx5_core {modinfo.version(info) or info.get('srcversion', ['?'])[0]}"


def modules_loaded(node: str, loaded: dict, wanted: Expected) -> Verdict:
    """Each wanted module listed and Live (not Loading/Unloading) in /proc/modules (layers.md L7 "Modules")."""
    missing = [m for m in wanted.value if m not in loaded or loaded[m].state != "Live"]
    return holds("RDMA modules", not missing, sorted(loaded), wanted.value, wanted.source,
                 f"{node}: RDMA modules not loaded: {', '.join(missing)} ({wanted.source})")
