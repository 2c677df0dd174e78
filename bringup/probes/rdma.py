"""Layer 7 probes: RDMA links and their netdevs, port attributes, the RoCE GID table, the RDMA-CM default
RoCE mode, the RDMA netns mode, and the host MTU of every rail.

The GID table is read from sysfs (what ``show_gids`` reads too), so inbox rdma-core hosts need no
MLNX_OFED script. Empty GID slots make the ``types`` file fail with EINVAL, so grep exits 2 with the good
lines on stdout; the checks accept rc 2 for that probe. The configfs ``rdma_cm/<dev>`` group only exists
after ``mkdir`` (kernel ``Documentation/ABI/testing/configfs-rdma_cm``); creating it changes no setting.

That ``mkdir`` (L7 RDMA-CM mode, and the L8 RDMA-CM ToS read through the same helper) is the one write the
read-only layers make on a node: the kernel offers no other way to read the defaults (``default_roce_mode``,
``default_roce_tos``), the group only exposes the values already in force, and it stays until ``rmdir`` or a
reboot. Every other probe of L1-L15 reads; only the benchmarks (bringup/bench) start processes.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

RDMA_LINK = Probe("rdma-link", "rdma -j link show")
RDMA_SYSTEM = Probe("rdma-system", "rdma -j system show")
IP_LINK = Probe("ip-link", "ip -j -d link show")
# layers.md L7 "Modules": the RDMA core modules, as /proc/modules lines (grep exits 1 when none is loaded).
RDMA_MODULES = Probe("rdma-modules",
                     "grep -E '^(mlx5_core|mlx5_ib|ib_core|ib_uverbs|rdma_cm|rdma_ucm) ' /proc/modules")
CONFIGFS_RDMA_CM = "/sys/kernel/config/rdma_cm"


def devinfo(rail) -> Probe:
    return Probe(f"ibv_devinfo-{rail.name}", f"ibv_devinfo -v -d {quote(rail.rdma_device)}")


def gids(rail) -> Probe:
    port = quote(f"/sys/class/infiniband/{rail.rdma_device}/ports/1")
    zero = "0000:0000:0000:0000:0000:0000:0000:0000"
    return Probe(f"gids-{rail.name}",
                 f"grep -H -v -x {zero} {port}/gids/* {port}/gid_attrs/types/* {port}/gid_attrs/ndevs/*")


def rdma_cm(rail, attribute: str, key: str) -> Probe:
    from bringup.parsers import rdma_cm as parser

    group = quote(f"{CONFIGFS_RDMA_CM}/{rail.rdma_device}")
    return Probe(f"{key}-{rail.name}", f"mkdir -p {group} && grep -H . {group}/ports/*/{attribute}",
                 parser=parser.parse)


def stack_version(node: "Node") -> Probe:
    """layers.md L7 "Stack version": ofed_info -s on DOCA/MLNX_OFED; the in-tree driver has no release of its
    own, so an inbox host reports mlx5_core's modinfo (srcversion identifies the build)."""
    if node.nic_stack == "doca":
        return Probe("rdma-stack", "ofed_info -s")
    return Probe("rdma-stack", "modinfo mlx5_core")


def plan(node: "Node") -> list[Probe]:
    roce = [rail for rail in node.rails if rail.rdma_device]
    probes = [IP_LINK] if node.rails else []
    if roce:
        probes += [RDMA_LINK, RDMA_SYSTEM, RDMA_MODULES, stack_version(node)]
    for rail in roce:
        probes += [devinfo(rail), gids(rail), rdma_cm(rail, "default_roce_mode", "roce_mode")]
    return probes
