"""Layer 2 probes: kernel cmdline, IOMMU boot messages, PCIe capabilities, GPU link state, NIC NV-config.

``lspci -vvv`` needs root to read the capability registers (otherwise ``<access denied>``); ``mlxconfig``
comes with NVIDIA MFT and also needs root. Each rail's NIC is addressed by its declared PCI address.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from bringup.parsers import (dmesg, grep_h, lspci_vvv, mlxconfig as mlxconfig_parser, nvidia_smi_query,
                             pci_link_sysfs, proc_cmdline)
from bringup.probes import Probe
from bringup.probes.gpu import SMI_XML

if TYPE_CHECKING:
    from bringup.inventory import Node
    from bringup.model import Rail
    from bringup.probe.prober import ProbeSet

CMDLINE = Probe("cmdline", "cat /proc/cmdline", parser=proc_cmdline.parse)
# Boot messages; timestamps say nothing about the IOMMU state (L11 reads `dmesg` with them, for Xid events).
DMESG = Probe("dmesg-iommu", "dmesg --notime", parser=dmesg.parse)
LSPCI_VVV = Probe("lspci-vvv", "lspci -D -vvv", parser=lspci_vvv.parse)
# The SMBIOS BIOS strings as the kernel exports them: world-readable, unlike `dmidecode` (root).
BIOS = Probe("bios", "grep -H . /sys/class/dmi/id/bios_vendor /sys/class/dmi/id/bios_version "
                    "/sys/class/dmi/id/bios_date", parser=grep_h.parse)
# pcie.link.gen.max is "the maximum generation possible with this GPU and system configuration"
# (nvidia-smi --help-query-gpu); the current generation drops when a GPU idles, so it is not compared.
GPU_PCIE_FIELDS = ["index", "pci.bus_id", "pcie.link.gen.max", "pcie.link.width.current", "pcie.link.width.max"]
GPU_PCIE = Probe("gpu-pcie", f"nvidia-smi --query-gpu={','.join(GPU_PCIE_FIELDS)} --format=csv,noheader,nounits",
                 parser=partial(nvidia_smi_query.parse, fields=GPU_PCIE_FIELDS))

# The kernel's own view of the link (drivers/pci/pci-sysfs.c): readable without root and without pciutils,
# so the link check still answers where `lspci -vvv` cannot.
LINK_FILES = "current_link_speed current_link_width max_link_speed max_link_width"


def mlxconfig(rail: "Rail") -> Probe:
    return Probe(f"mlxconfig@{rail.name}", f"mlxconfig -d {shlex.quote(rail.pci)} q", parser=mlxconfig_parser.parse)


def link_sysfs(rail: "Rail") -> Probe:
    folder = shlex.quote(f"/sys/bus/pci/devices/{rail.pci}")
    return Probe(f"pcie-sysfs@{rail.name}", f"cd {folder} && grep -H . {LINK_FILES}", parser=pci_link_sysfs.parse)


@dataclass(frozen=True)
class NicLink:
    speed_gts: float | None
    width: int
    downgraded: bool
    capable: str  # "32.0GT/s x16": what the device and slot support
    source: str  # "lspci" or "sysfs"


def nic_link(facts: "ProbeSet", rail: "Rail") -> NicLink:
    """The rail NIC's PCIe link from `lspci -vvv`, or from sysfs where lspci is missing or ran without root."""
    fn = None
    if not facts.result(LSPCI_VVV.key).not_found:
        fn = facts.get(LSPCI_VVV).get(lspci_vvv.normalise_slot(rail.pci))
    if fn is not None and not fn.access_denied and fn.link_sta is not None:
        cap = fn.link_cap
        return NicLink(fn.link_sta.speed_gts, fn.link_sta.width, fn.link_downgraded,
                       f"{cap.speed_gts}GT/s x{cap.width}" if cap else "?", "lspci")
    link = facts.get(link_sysfs(rail))
    return NicLink(link.speed_gts, link.width, link.downgraded, f"{link.max_speed_gts}GT/s x{link.max_width}", "sysfs")


def plan(node: "Node") -> list[Probe]:
    probes = [CMDLINE, DMESG, LSPCI_VVV, BIOS]
    if node.hardware.gpus:
        probes += [GPU_PCIE, SMI_XML]  # L11's `nvidia-smi -q -x` (run once), read here for the BAR1 size
    for rail in node.rails:
        if rail.pci:
            probes += [mlxconfig(rail), link_sysfs(rail)]
    return probes
