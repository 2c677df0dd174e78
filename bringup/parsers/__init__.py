"""Pure parsers: tool output text -> typed data. No I/O, no pytest.

Every parser module has ``TOOL`` (its name for ``bringup parse TOOL FILE``) and ``parse(text)``; this
registry is the explicit list, so every parser is reachable from the command line.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any, Callable

from bringup.parsers.common import ParseError

_MODULES = (
    "chronyc",
    "cpufreq",
    "lspci",
    "meminfo",
    "nvidia_smi_list",
    "nvidia_smi_query",
    "os_release",
    "scalar",
    "timedatectl",
    "ulimit",
    # L1 BMC health, L6 TuneD profile
    "ipmitool_sdr",
    "ipmitool_sel",
    "tuned_adm",
    # network layers (issue 5): L3 links, L4, L7 RDMA, L8 QoS, L9 routing, L10 SR-IOV
    "dcb",
    "devlink_eswitch",
    "ecn_sysfs",
    "ethtool",
    "ethtool_driver",
    "ethtool_fec",
    "ethtool_module",
    "ethtool_pause",
    "ethtool_rings",
    "ethtool_stats",
    "gid_sysfs",
    "grep_h",
    "ibdev2netdev",
    "ibv_devinfo",
    "ip_addr",
    "ip_link",
    "ip_route",
    "ip_rule",
    "lldpctl",
    "ls_links",
    "mlnx_qos",
    "mlxlink",
    "ping",
    "rdma_cm",
    "rdma_link",
    "rdma_statistic",
    "rdma_system",
    "show_gids",
    "sysctl",
    "traffic_class",
    # platform, GPU and communication-library layers (issue 5): L2, L11, L12, L13
    "dcgmi_diag",
    "dmesg",
    "lspci_vvv",
    "mca_params",
    "mlxconfig",
    "modinfo",
    "nccl_conf",
    "nccl_log",
    "ncclras",
    "nccl_version",
    "nvidia_smi_nvlink",
    "nvidia_smi_topo",
    "nvidia_smi_xml",
    "nvidia_smi_q",
    "nvidia_smi_table",
    "nvidia_version",
    "ofed_info",
    "ompi_info",
    "pci_link_sysfs",
    "proc_cmdline",
    "proc_modules",
    "ucx_info_devices",
    "ucx_info_version",
    # runtime and scheduler layers (issue 3, the lab): L14, L15
    "getent_hosts",
    "hostname_counts",
    "scontrol_node",
    "scontrol_ping",
    "srun_mpi_list",
    "unmunge",
    # traffic rows (issue 5): L8 proof by traffic, L12 GDR bandwidth, L13 pairwise RDMA
    "perftest",
    # the lab's benchmarks (issue 10 item 8): Debian's iperf3 and NetPIPE (netpipe-openmpi)
    "iperf3",
    "iperf3_udp",  # the L15 per-rail UDP bandwidth probe
    "netpipe",
    # L10 SR-IOV operator rows (kubectl -o json of the operator's CRs and the node)
    "kubectl_node",
    "kubectl_nodestates",
    "kubectl_policies",
    "kubectl_poolconfigs",
    # benchmarks (issue 10): nccl-tests result tables, OSU micro-benchmarks
    "nccl_tests",
    "osu",
    # pasted captures a cluster engineer triages (issue 13 item 2)
    "ibstat",
    "sinfo",
    "kubectl_nodes",
    "mpijob_status",
)


def registry() -> dict[str, Callable[[str], Any]]:
    parsers = {}
    for name in _MODULES:
        module = importlib.import_module(f"bringup.parsers.{name}")
        parsers[module.TOOL] = module.parse
    return parsers


def to_jsonable(value: Any) -> Any:
    """Dataclasses, DataFrames, tuples and sets -> JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # pandas DataFrame
        return to_jsonable(value.to_dict(orient="records"))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


__all__ = ["ParseError", "registry", "to_jsonable"]
