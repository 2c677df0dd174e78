"""Layer 10 probes: SR-IOV VF counts, the PF's VF list and the eswitch mode (layers.md L10).

Read only for rails the inventory plans VFs on (``sriov_vfs``), so D5 nodes without VFs ask nothing.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node


def vf_counts(rail) -> Probe:
    device = quote(f"/sys/class/net/{rail.netdev}/device")
    return Probe(f"sriov-{rail.name}", f"grep -H . {device}/sriov_totalvfs {device}/sriov_numvfs")


def pf_link(rail) -> Probe:
    return Probe(f"pf-link-{rail.name}", f"ip -j link show dev {quote(rail.netdev)}")


def eswitch(rail) -> Probe:
    bdf = rail.pci if rail.pci.count(":") == 2 else f"0000:{rail.pci}"  # devlink wants the PCI domain
    return Probe(f"eswitch-{rail.name}", f"devlink -j dev eswitch show {quote('pci/' + bdf.lower())}")


def plan(node: "Node") -> list[Probe]:
    probes = []
    for rail in node.rails:
        if rail.sriov_vfs:
            probes += [vf_counts(rail), pf_link(rail)]
            if rail.pci:
                probes.append(eswitch(rail))
    return probes
