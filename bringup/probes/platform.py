"""Layer 2 probes: kernel cmdline, IOMMU boot messages, PCIe capabilities, GPU link state, NIC NV-config.

``lspci -vvv`` needs root to read the capability registers (otherwise ``<access denied>``); ``mlxconfig``
comes with NVIDIA MFT and also needs root. Each rail's NIC is addressed by its declared PCI address.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from bringup.probes import Probe
from bringup.probes.gpu import SMI_XML

if TYPE_CHECKING:
    from bringup.inventory import Node
    from bringup.model import Rail

CMDLINE = Probe("cmdline", "cat /proc/cmdline")
# Boot messages; timestamps say nothing about the IOMMU state (L11 reads `dmesg` with them, for Xid events).
DMESG = Probe("dmesg-iommu", "dmesg --notime")
LSPCI_VVV = Probe("lspci-vvv", "lspci -D -vvv")
# The SMBIOS BIOS strings as the kernel exports them: world-readable, unlike `dmidecode` (root).
BIOS = Probe("bios", "grep -H . /sys/class/dmi/id/bios_vendor /sys/class/dmi/id/bios_version "
                    "/sys/class/dmi/id/bios_date")
# pcie.link.gen.max is "the maximum generation possible with this GPU and system configuration"
# (nvidia-smi --help-query-gpu); the current generation drops when a GPU idles, so it is not compared.
GPU_PCIE_FIELDS = ["index", "pci.bus_id", "pcie.link.gen.max", "pcie.link.width.current", "pcie.link.width.max"]
GPU_PCIE = Probe("gpu-pcie", f"nvidia-smi --query-gpu={','.join(GPU_PCIE_FIELDS)} --format=csv,noheader,nounits")


def mlxconfig_key(rail: "Rail") -> str:
    return f"mlxconfig@{rail.name}"


def link_sysfs_key(rail: "Rail") -> str:
    return f"pcie-sysfs@{rail.name}"


# The kernel's own view of the link (drivers/pci/pci-sysfs.c): readable without root and without pciutils,
# so the link check still answers where `lspci -vvv` cannot.
LINK_FILES = "current_link_speed current_link_width max_link_speed max_link_width"


def plan(node: "Node") -> list[Probe]:
    probes = [CMDLINE, DMESG, LSPCI_VVV, BIOS]
    if node.hardware.gpus:
        probes += [GPU_PCIE, SMI_XML]  # SMI_XML: the BAR1 size, BIOS evidence of Above-4G decoding + ReBAR
    for rail in node.rails:
        if rail.pci:
            probes.append(Probe(mlxconfig_key(rail), f"mlxconfig -d {shlex.quote(rail.pci)} q"))
            folder = shlex.quote(f"/sys/bus/pci/devices/{rail.pci}")
            probes.append(Probe(link_sysfs_key(rail), f"cd {folder} && grep -H . {LINK_FILES}"))
    return probes
