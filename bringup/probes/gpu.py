"""Layer 11 probes: NVIDIA driver report, NVLink, Fabric Manager, Xid events, DCGM diagnostics.

Nodes the inventory declares without GPUs get no probe at all. ``dcgmi diag`` runs at the level the policy
names (``dcgm_diag_level``): level 3 takes tens of minutes, longer than a probe may run, so the probe uses a
quick level and the long run belongs to burn-in.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from bringup import expect
from bringup.parsers import dcgmi_diag, dmesg, nvidia_smi_nvlink, nvidia_smi_xml, scalar
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

# L2 reads the same report (BAR1 size) from its own plan: bringup/probes/platform.py imports SMI_XML.
SMI_XML = Probe("nvidia-smi-xml", "nvidia-smi -q -x", parser=nvidia_smi_xml.parse)
NVLINK = Probe("nvlink", "nvidia-smi nvlink -s", parser=nvidia_smi_nvlink.parse)
# systemctl is-active exits 3 for an inactive unit; its stdout still names the state.
FABRIC_MANAGER = Probe("fabricmanager", "systemctl is-active nvidia-fabricmanager", parser=scalar.parse,
                       allow_rc=(0, 3))
# The whole kernel log: the Xid check and the other kernel-event classes (bringup/kernel_events.py) all read it.
DMESG = Probe("dmesg-xid", "dmesg", parser=dmesg.parse)


def dcgm_probe(node: "Node") -> Probe:
    """dcgmi exits non-zero when a test fails; the verdict is in the report, so any exit with output is read."""
    level = expect.declared(node, "dcgm_diag_level").value
    return Probe("dcgmi-diag", f"dcgmi diag -r {shlex.quote(str(level))} -j", parser=dcgmi_diag.parse,
                 allow_rc=tuple(range(256)))


def plan(node: "Node") -> list[Probe]:
    if not node.hardware.gpus:
        return []
    return [SMI_XML, NVLINK, FABRIC_MANAGER, DMESG, dcgm_probe(node)]
