"""Layer 7 probes: RDMA links and their netdevs, port attributes, the RoCE GID table, the RDMA-CM default
RoCE mode, the RDMA netns mode, and the host MTU of every rail.

The GID table is read from sysfs (what ``show_gids`` reads too), so inbox rdma-core hosts need no
MLNX_OFED script. Empty GID slots make the ``types`` file fail with EINVAL, so grep exits 2 with the good
lines on stdout; the checks accept rc 2 for that probe. The configfs ``rdma_cm/<dev>`` group only exists
after ``mkdir`` (kernel ``Documentation/ABI/testing/configfs-rdma_cm``); creating it changes no setting.
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
CONFIGFS_RDMA_CM = "/sys/kernel/config/rdma_cm"


def devinfo(rail) -> Probe:
    return Probe(f"ibv_devinfo-{rail.name}", f"ibv_devinfo -v -d {quote(rail.rdma_device)}")


def gids(rail) -> Probe:
    port = quote(f"/sys/class/infiniband/{rail.rdma_device}/ports/1")
    zero = "0000:0000:0000:0000:0000:0000:0000:0000"
    return Probe(f"gids-{rail.name}",
                 f"grep -H -v -x {zero} {port}/gids/* {port}/gid_attrs/types/* {port}/gid_attrs/ndevs/*")


def rdma_cm(rail, attribute: str, key: str) -> Probe:
    group = quote(f"{CONFIGFS_RDMA_CM}/{rail.rdma_device}")
    return Probe(f"{key}-{rail.name}", f"mkdir -p {group} && grep -H . {group}/ports/*/{attribute}")


def plan(node: "Node") -> list[Probe]:
    roce = [rail for rail in node.rails if rail.rdma_device]
    probes = [IP_LINK] if node.rails else []
    if roce:
        probes += [RDMA_LINK, RDMA_SYSTEM]
    for rail in roce:
        probes += [devinfo(rail), gids(rail), rdma_cm(rail, "default_roce_mode", "roce_mode")]
    return probes
