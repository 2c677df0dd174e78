"""Write the healthy layer 2/11/12/13 captures of the H100 scenario.

Run ``python tests/scenarios/h100/tools/gen_platform.py`` from the repository root.

Layout (from captures/common/lspci.out): rail i has its ConnectX-7 at bus B_i, GPU i at B_i+1, both behind one
Broadcom PEX890xx switch (upstream port at B_i-2, downstream ports B_i-1:00.0 -> NIC and B_i-1:01.0 -> GPU).
Rails 0-3 sit on NUMA node 0, rails 4-7 on NUMA node 1. The formats are those of the tools named in
platform_blocks.py; values that differ per node (serials, UUIDs) go to captures/<node>/.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_blocks import DRIVER, XML_GPU, XML_HEAD  # noqa: E402
from lib_blocks import (MLXCONFIG_ROWS, MODULES, NCCL_CONF, OMPI_FIELDS, OMPI_MCA, OMPI_VERSION,  # noqa: E402
                        UCX_DEVICE, UCX_HEAD, UCX_VERSION)
from platform_blocks import GPU, NIC, SWITCH_DOWN, SWITCH_UP  # noqa: E402

CAPTURES = Path(__file__).resolve().parent.parent / "captures"
BUSES = [0x18, 0x2A, 0x3A, 0x5D, 0x9A, 0xAB, 0xBA, 0xDB]
NODES = {"node01": 1654922001230, "node02": 1654922004410}  # first GPU serial, as in gpu-query.out
KERNEL = "5.15.0-105-generic"
CMDLINE = (f"BOOT_IMAGE=/vmlinuz-{KERNEL} root=UUID=6f1d2c3b-4a5e-4f60-9b7a-8c9d0e1f2a3b ro "
           "intel_iommu=on iommu=pt pci=realloc=off nvme_core.multipath=n quiet splash")


def numa(rail: int) -> int:
    return 0 if rail < 4 else 1


def write(node: str, key: str, text: str) -> None:
    path = CAPTURES / node / f"{key}.out"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def lspci_vvv() -> str:
    blocks = []
    for rail, bus in enumerate(BUSES):
        common = dict(dom="0000", numa=numa(rail), pref=f"{0x20 + rail * 0x10:x}", mem=f"{0x9d + rail * 2:x}")
        blocks.append(SWITCH_UP.format(bus=bus - 2, pri=bus - 3, sec=bus - 1, sub=bus + 1, group=40 + rail * 8,
                                       **common))
        blocks.append(SWITCH_DOWN.format(bus=bus - 1, dev=0, sec=bus, port=0, slot=100 + rail * 2,
                                         group=41 + rail * 8, **common))
        blocks.append(SWITCH_DOWN.format(bus=bus - 1, dev=1, sec=bus + 1, port=1, slot=101 + rail * 2,
                                         group=42 + rail * 8, **common))
        blocks.append(NIC.format(bus=bus, slot=100 + rail * 2, group=43 + rail * 8, serial=410200 + rail, **common))
        blocks.append(GPU.format(bus=bus + 1, slot=101 + rail * 2, group=44 + rail * 8, **common))
    return "".join(blocks)


PCIE_SYSFS = ("current_link_speed:32.0 GT/s PCIe\ncurrent_link_width:16\n"
              "max_link_speed:32.0 GT/s PCIe\nmax_link_width:16\n")


def gpu_pcie() -> str:
    return "".join(f"{i}, 00000000:{bus + 1:02X}:00.0, 5, 16, 16\n" for i, bus in enumerate(BUSES))



def mlxconfig(rail: int) -> str:
    seen, rows = set(), []
    for name, value in MLXCONFIG_ROWS:  # the tool prints each parameter once
        if name not in seen:
            seen.add(name)
            rows.append(f"        {name:<44}{value:<20}\n")
    return ("\nDevice #1:\n----------\n\n"
            "Device type:        ConnectX7           \n"
            "Name:               MCX75310AAS-NEA_Ax  \n"
            "Description:        NVIDIA ConnectX-7 HHHL Adapter card; 400GbE / NDR IB (default mode); Single-port "
            "OSFP; PCIe 5.0 x16; Crypto Disabled; Secure Boot Enabled\n"
            f"Device:             0000:{BUSES[rail]:02x}:00.0        \n\n"
            "Configurations:                                      Next Boot\n" + "".join(rows))


def dmesg_boot() -> str:
    return f"""\
[    0.000000] Linux version {KERNEL} (buildd@lcy02-amd64-080) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024 (Ubuntu {KERNEL}.115-generic 5.15.148)
[    0.000000] Command line: {CMDLINE}
[    0.000000] KERNEL supported cpus:
[    0.000000]   Intel GenuineIntel
[    0.000000] x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'
[    0.000000] DMI: Supermicro SYS-821GE-TNHR/X13DEG-OAD, BIOS 2.1 02/21/2024
[    0.000000] Kernel command line: {CMDLINE}
[    0.000000] DMAR: IOMMU enabled
[    0.012531] ACPI: DMAR 0x000000006F5E1000 000288 (v01 ALASKA A M I    00000001 INTL 20091013)
[    0.012561] ACPI: Reserving DMAR table memory at [mem 0x6f5e1000-0x6f5e1287]
[    1.103245] DMAR: Host address width 52
[    1.103247] DMAR: DRHD base: 0x000000e0ffc000 flags: 0x0
[    1.103256] DMAR: dmar0: reg_base_addr e0ffc000 ver 6:0 cap 9ed008c40780466 ecap 3ee9e86f050df
[    1.103340] DMAR: DRHD base: 0x000000f07fc000 flags: 0x1
[    1.103346] DMAR: dmar1: reg_base_addr f07fc000 ver 6:0 cap 9ed008c40780466 ecap 3ee9e86f050df
[    1.103352] DMAR-IR: IOAPIC id 8 under DRHD base  0xf07fc000 IOMMU 1
[    1.103354] DMAR-IR: HPET id 0 under DRHD base 0xf07fc000
[    1.105862] DMAR-IR: Enabled IRQ remapping in x2apic mode
[    3.512108] iommu: Default domain type: Passthrough (set via kernel command line)
[    4.201773] DMAR: No ATSR found
[    4.201775] DMAR: dmar0: Using Queued invalidation
[    4.201780] DMAR: dmar1: Using Queued invalidation
[    4.214533] pci 0000:00:00.0: Adding to iommu group 0
[    4.290120] DMAR: Intel(R) Virtualization Technology for Directed I/O
[   12.902671] mlx5_core 0000:18:00.0: firmware version: 28.39.1002
[   12.902710] mlx5_core 0000:18:00.0: 504.112 Gb/s available PCIe bandwidth (32.0 GT/s PCIe x16 link)
[   13.486270] mlx5_core 0000:18:00.0: Rate limit: 127 rates are supported, range: 0Mbps to 195312Mbps
[   13.521001] mlx5_core 0000:18:00.0: E-Switch: Total vports 2, per vport: max uc(128) max mc(2048)
[   14.118230] nvidia: loading out-of-tree module taints kernel.
[   14.118243] nvidia: module license 'NVIDIA' taints kernel.
[   14.201664] nvidia-nvlink: Nvlink Core is being initialized, major device number 236
[   14.207341] NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  {DRIVER}  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:42:30 UTC 2024
[   14.402208] nvidia-modeset: Loading NVIDIA UNIX Open Kernel Mode Setting Driver for x86_64  {DRIVER}  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:34:46 UTC 2024
[   15.011842] nvidia_uvm: module uses symbols nvUvmInterfaceDisableAccessCntr from proprietary module nvidia, inheriting taint.
[   31.664180] mlx5_core 0000:18:00.0 enp24s0np0: Link up
"""


def smi_xml(first_serial: int) -> str:
    gpus = []
    for i, bus in enumerate(BUSES):
        gpus.append(XML_GPU.format(bus=bus + 1, serial=first_serial + i, uuid=uuid(first_serial, i), minor=i,
                                   module=[2, 4, 3, 1, 7, 5, 8, 6][i]))
    return XML_HEAD + "".join(gpus) + "</nvidia_smi_log>\n"


def uuid(first_serial: int, i: int) -> str:
    return f"GPU-5c1e{i}a7d-{str(first_serial + i)[-4:]}-4e1b-9f3a-0a1b2c3d4e{i}f"



def nvlink(first_serial: int) -> str:
    out = []
    for i in range(8):
        out.append(f"GPU {i}: NVIDIA H100 80GB HBM3 (UUID: {uuid(first_serial, i)})\n")
        out.extend(f"\t Link {link}: 26.562 GB/s\n" for link in range(18))
    return "".join(out)


def topo() -> str:
    nics = [f"NIC{i}" for i in range(10)]
    cols = [f"GPU{i}" for i in range(8)] + nics
    node_of = {**{f"GPU{i}": numa(i) for i in range(8)}, **{f"NIC{i}": numa(i) for i in range(8)},
               "NIC8": 0, "NIC9": 0}

    def cell(a: str, b: str) -> str:
        if a == b:
            return " X "
        if a.startswith("GPU") and b.startswith("GPU"):
            return "NV18"
        pair = {a, b}
        if any(pair == {f"GPU{i}", f"NIC{i}"} for i in range(8)) or pair == {"NIC8", "NIC9"}:
            return "PIX"
        return "NODE" if node_of[a] == node_of[b] else "SYS"

    cpus = {0: "0-55,112-167", 1: "56-111,168-223"}
    lines = ["\t" + "\t".join(cols) + "\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID"]
    for row in cols:
        cells = "\t".join(cell(row, col) for col in cols)
        if row.startswith("GPU"):
            lines.append(f"{row}\t{cells}\t{cpus[node_of[row]]}\t{node_of[row]}\t\tN/A")
        else:
            lines.append(f"{row}\t{cells}")
    legend = ["", "Legend:", "",
              "  X    = Self",
              "  SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)",
              "  NODE = Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node",
              "  PHB  = Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)",
              "  PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)",
              "  PIX  = Connection traversing at most a single PCIe bridge",
              "  NV#  = Connection traversing a bonded set of # NVLinks", "", "NIC Legend:", ""]
    legend += [f"  NIC{i}: mlx5_{i}" for i in range(10)]
    return "\n".join(lines + legend) + "\n\n"



def ompi_info() -> str:
    out = [f"{key:>27}: {value}\n" for key, value in OMPI_FIELDS]
    out += [f"{'MCA ' + fw:>27}: {comp} (MCA v2.1.0, API v{'3.0.0' if fw in ('btl', 'coll') else '2.0.0'}, "
            f"Component v4.1.5)\n" for fw, comp in OMPI_MCA]
    return "".join(out)


def dcgm_json() -> str:
    deployment = ["Denylist", "NVML Library", "CUDA Main Library", "Permissions and OS Blocks", "Persistence Mode",
                  "Environment Variables", "Page Retirement/Row Remap", "Graphics Processes", "Inforom"]
    body = {"DCGM GPU Diagnostic": {"test_categories": [
        {"category": "Deployment", "tests": [{"name": name, "results": [{"status": "Pass"}]} for name in deployment]},
    ]}, "version": "3.3.5"}
    return json.dumps(body, indent="\t", separators=(",", " : ")) + "\n"


def main() -> None:
    write("common", "cmdline", CMDLINE + "\n")
    write("common", "dmesg-iommu", re.sub(r"(?m)^\[ *\d+\.\d+\] ", "", dmesg_boot()))
    write("common", "lspci-vvv", lspci_vvv())
    write("common", "gpu-pcie", gpu_pcie())
    write("common", "bios", "/sys/class/dmi/id/bios_vendor:American Megatrends International, LLC.\n"
                            "/sys/class/dmi/id/bios_version:2.1\n/sys/class/dmi/id/bios_date:02/21/2024\n")
    for rail in range(8):
        write("common", f"mlxconfig@rail{rail}", mlxconfig(rail))
        write("common", f"pcie-sysfs@rail{rail}", PCIE_SYSFS)
    for node, serial in NODES.items():
        write(node, "nvidia-smi-xml", smi_xml(serial))
        write(node, "nvlink", nvlink(serial))
    write("common", "fabricmanager", "active\n")
    write("common", "dmesg-xid", dmesg_boot())
    write("common", "dcgmi-diag", dcgm_json())
    write("common", "topo", topo())
    for rail in range(8):
        write("common", f"nic-numa@rail{rail}", f"{numa(rail)}\n")
    write("common", "nvidia-version",
          f"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  {DRIVER}  Release Build  "
          "(dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:42:30 UTC 2024\n"
          "GCC version:  gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04) \n")
    write("common", "modules", MODULES)
    write("common", "gdr-kernel", KERNEL + "\n")
    write("common", "gdr-nccl-settings", NCCL_CONF)  # the session sets no NCCL_* variable
    write("common", "nccl-conf", NCCL_CONF)
    write("common", "nccl-env", "")
    write("common", "nccl-version", "NCCL version 2.21.5+cuda12.4\n")
    write("common", "ucx-version", UCX_VERSION)
    write("common", "ucx-devices", UCX_HEAD + "".join(UCX_DEVICE.format(dev=f"mlx5_{i}", index=i) for i in range(10)))
    write("common", "ompi-version", OMPI_VERSION)
    write("common", "ompi-info", ompi_info())


if __name__ == "__main__":
    main()
