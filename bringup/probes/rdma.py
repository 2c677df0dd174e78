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

from bringup.parsers import gid_sysfs, ibv_devinfo, ip_link, modinfo, ofed_info, proc_modules
from bringup.parsers import rdma_cm as rdma_cm_parser
from bringup.parsers import rdma_link, rdma_system
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node
    from bringup.probe.prober import ProbeSet


def _loaded_modules(text: str) -> dict[str, proc_modules.Module]:
    """grep's empty answer (rc 1) is "none of them loaded", not a truncated /proc/modules."""
    return proc_modules.parse(text) if text.strip() else {}


RDMA_LINK = Probe("rdma-link", "rdma -j link show", parser=rdma_link.parse)
RDMA_SYSTEM = Probe("rdma-system", "rdma -j system show", parser=rdma_system.parse)
IP_LINK = Probe("ip-link", "ip -j -d link show", parser=ip_link.parse)
# layers.md L7 "Modules": the RDMA core modules, as /proc/modules lines (grep exits 1 when none is loaded).
RDMA_MODULES = Probe("rdma-modules",
                     "grep -E '^(mlx5_core|mlx5_ib|ib_core|ib_uverbs|rdma_cm|rdma_ucm) ' /proc/modules",
                     parser=_loaded_modules, allow_rc=(0, 1))
# layers.md L7 "Stack version": one key, the command of the node's declared stack (stack_version).
OFED_INFO = Probe("rdma-stack", "ofed_info -s", parser=ofed_info.parse)
MODINFO_MLX5 = Probe("rdma-stack", "modinfo mlx5_core", parser=modinfo.parse)
CONFIGFS_RDMA_CM = "/sys/kernel/config/rdma_cm"


def devinfo(rail) -> Probe:
    return Probe(f"ibv_devinfo-{rail.name}", f"ibv_devinfo -v -d {quote(rail.rdma_device)}",
                 parser=ibv_devinfo.parse)


def gids(rail) -> Probe:
    port = quote(f"/sys/class/infiniband/{rail.rdma_device}/ports/1")
    zero = "0000:0000:0000:0000:0000:0000:0000:0000"
    return Probe(f"gids-{rail.name}",
                 f"grep -H -v -x {zero} {port}/gids/* {port}/gid_attrs/types/* {port}/gid_attrs/ndevs/*",
                 parser=gid_sysfs.parse, allow_rc=(0, 2))


def rdma_cm(rail, attribute: str, key: str) -> Probe:
    group = quote(f"{CONFIGFS_RDMA_CM}/{rail.rdma_device}")
    return Probe(f"{key}-{rail.name}", f"mkdir -p {group} && grep -H . {group}/ports/*/{attribute}",
                 parser=rdma_cm_parser.parse)


def stack_version(node: "Node") -> Probe:
    """layers.md L7 "Stack version": ofed_info -s on DOCA/MLNX_OFED; the in-tree driver has no release of its
    own, so an inbox host reports mlx5_core's modinfo (srcversion identifies the build)."""
    return OFED_INFO if node.nic_stack == "doca" else MODINFO_MLX5


def roce_mode(rail) -> Probe:
    return rdma_cm(rail, "default_roce_mode", "roce_mode")


def stack(facts: "ProbeSet"):
    """The stack's parsed release: an OfedInfo (ofed_info -s), or mlx5_core's modinfo fields on an inbox host;
    the recorded command says which of the two this node was asked (another node's facts have no Node)."""
    probe = OFED_INFO if facts.result(OFED_INFO.key).command == OFED_INFO.command else MODINFO_MLX5
    return facts.get(probe)


def plan(node: "Node") -> list[Probe]:
    roce = [rail for rail in node.rails if rail.rdma_device]
    probes = [IP_LINK] if node.rails else []
    if roce:
        probes += [RDMA_LINK, RDMA_SYSTEM, RDMA_MODULES, stack_version(node)]
    for rail in roce:
        probes += [devinfo(rail), gids(rail), roce_mode(rail)]
    return probes
