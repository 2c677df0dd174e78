"""Layer 10 probes: SR-IOV VF counts, the PF's VF list, the eswitch mode and each VF's RDMA device
(layers.md L10).

Read only for rails the inventory plans VFs on (``sriov_vfs``), so D5 nodes without VFs ask nothing. Which
VF has which RDMA device comes from two sysfs listings (``ls -l``, :mod:`bringup.parsers.ls_links`): the PF's
``virtfnN`` links name each VF's PCI function, and ``/sys/class/infiniband/<dev>`` links to the PCI function
it belongs to. (``rdma link show`` names no PCI address, and a VF's netdev may be renamed or in a pod.)
RDMA devices moved into a pod's namespace (``rdma system`` netns exclusive) leave the host's view, so the
check is meant for bring-up, before pods hold VFs.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import devlink_eswitch, grep_h, ip_link, ls_links
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node


def vf_counts(rail) -> Probe:
    device = quote(f"/sys/class/net/{rail.netdev}/device")
    return Probe(f"sriov-{rail.name}", f"grep -H . {device}/sriov_totalvfs {device}/sriov_numvfs",
                 parser=grep_h.parse)


def pf_link(rail) -> Probe:
    return Probe(f"pf-link-{rail.name}", f"ip -j link show dev {quote(rail.netdev)}", parser=ip_link.parse)


def eswitch(rail) -> Probe:
    bdf = rail.pci if rail.pci.count(":") == 2 else f"0000:{rail.pci}"  # devlink wants the PCI domain
    return Probe(f"eswitch-{rail.name}", f"devlink -j dev eswitch show {quote('pci/' + bdf.lower())}",
                 parser=devlink_eswitch.parse)


# ls exits 0 with the class empty; the links' targets hold each device's PCI function.
IB_DEVICES = Probe("ib-devices", "ls -l /sys/class/infiniband/", parser=ls_links.parse)


def vf_functions(rail) -> Probe:
    # The glob stays outside the quotes; with no VF it matches nothing and ls exits 2 ("cannot access").
    return Probe(f"virtfn-{rail.name}", f"ls -l {quote(f'/sys/class/net/{rail.netdev}/device')}/virtfn*",
                 parser=ls_links.parse)


def plan(node: "Node") -> list[Probe]:
    probes = []
    for rail in node.rails:
        if rail.sriov_vfs:
            probes += [vf_counts(rail), pf_link(rail), vf_functions(rail)]
            if rail.pci:
                probes.append(eswitch(rail))
    if probes:
        probes.append(IB_DEVICES)
    return probes
