"""Layer 1 probes: CPU, memory, PCI functions and GPUs, against the declared hardware profile; BMC health."""

from __future__ import annotations

from functools import partial
from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import ethtool_driver, ipmitool_sdr, ipmitool_sel, lspci, meminfo, nvidia_smi_query, scalar
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

NPROC = Probe("nproc", "nproc --all", parser=scalar.parse_int)
MEMINFO = Probe("meminfo", "cat /proc/meminfo", parser=meminfo.parse)
LSPCI = Probe("lspci", "lspci -Dnn", parser=lspci.parse)
# clocks_throttle_reasons.* is the pre-535 name; newer drivers still accept it (as clocks_event_reasons.*).
GPU_QUERY_FIELDS = ["index", "name", "serial", "vbios_version", "pci.bus_id", "power.limit", "power.default_limit",
                    "clocks_throttle_reasons.hw_slowdown"]
GPU_QUERY = Probe("gpu-query", f"nvidia-smi --query-gpu={','.join(GPU_QUERY_FIELDS)} --format=csv,noheader,nounits",
                  parser=partial(nvidia_smi_query.parse, fields=GPU_QUERY_FIELDS))
# layers.md L1 "BMC health", in-band through the OpenIPMI driver (/dev/ipmi0; ipmitool(1) "-I open").
IPMI_SDR = Probe("ipmi-sdr", "ipmitool sdr elist", parser=ipmitool_sdr.parse)
IPMI_SEL = Probe("ipmi-sel", "ipmitool sel elist", parser=ipmitool_sel.parse)


def driver_info(rail) -> Probe:
    """Firmware version and PSID per rail NIC, without vendor tools (``mlxfwmanager --query`` shows the same)."""
    return Probe(f"ethtool-i-{rail.name}", f"ethtool -i {quote(rail.netdev)}", parser=ethtool_driver.parse)


def plan(node: "Node") -> list[Probe]:
    probes = [NPROC, MEMINFO, LSPCI] + [driver_info(rail) for rail in node.rails]
    if node.hardware.gpus:  # a node declared without GPUs is not asked for nvidia-smi
        probes.append(GPU_QUERY)
    if node.hardware.bmc is not False:  # a node declared without a BMC is not asked for ipmitool
        probes += [IPMI_SDR, IPMI_SEL]
    return probes
