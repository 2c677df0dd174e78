"""Layer 11 probes: NVIDIA driver report, NVLink, Fabric Manager, Xid events, DCGM diagnostics.

Nodes the inventory declares without GPUs get no probe at all. ``dcgmi diag`` runs at the level the policy
names (``dcgm_diag_level``): level 3 takes tens of minutes, longer than a probe may run, so the probe uses a
quick level and the long run belongs to burn-in.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from bringup import expect
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

SMI_XML = Probe("nvidia-smi-xml", "nvidia-smi -q -x")
NVLINK = Probe("nvlink", "nvidia-smi nvlink -s")
FABRIC_MANAGER = Probe("fabricmanager", "systemctl is-active nvidia-fabricmanager")
DMESG = Probe("dmesg-xid", "dmesg")


def dcgm_probe(node: "Node") -> Probe:
    level = expect.declared(node, "dcgm_diag_level").value
    return Probe("dcgmi-diag", f"dcgmi diag -r {shlex.quote(str(level))} -j")


def plan(node: "Node") -> list[Probe]:
    if not node.hardware.gpus:
        return []
    return [SMI_XML, NVLINK, FABRIC_MANAGER, DMESG, dcgm_probe(node)]
