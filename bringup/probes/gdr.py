"""Layer 12 probes: GPU/NIC topology, the GPUDirect RDMA kernel path, and NCCL's GDR override variables.

The kernel path is DMA-BUF (open kernel module on Linux >= 5.12) or the ``nvidia_peermem`` module; the NCCL
settings come from ``/etc/nccl.conf`` (absent file = nothing set) and the ``NCCL_*`` variables of the session.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from bringup.parsers import nccl_conf, nvidia_smi_topo, nvidia_version, proc_modules, scalar
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

TOPO = Probe("topo", "nvidia-smi topo -m", parser=nvidia_smi_topo.parse)
NVIDIA_VERSION = Probe("nvidia-version", "cat /proc/driver/nvidia/version", parser=nvidia_version.parse)
MODULES = Probe("modules", "cat /proc/modules", parser=proc_modules.parse)
# The kernel release for the DMA-BUF rule (the string `uname -r` prints, read from procfs).
KERNEL = Probe("gdr-kernel", "cat /proc/sys/kernel/osrelease", parser=scalar.parse)
# An absent /etc/nccl.conf sets nothing; printing nothing (rc 0) says exactly that.
NCCL_CONF_COMMAND = "if [ -e /etc/nccl.conf ]; then cat /etc/nccl.conf; fi"
# Only NCCL_* variables are recorded (the run directory keeps probe output; the rest of env may hold secrets).
# grep exits 1 when nothing matches, which is a valid answer; 2 is an error.
NCCL_ENV_COMMAND = "env | grep '^NCCL_'; test $? -le 1"
# L12 reads both in one listing: the file first, then the session's variables, which override it.
NCCL_SETTINGS = Probe("gdr-nccl-settings", "if [ -e /etc/nccl.conf ]; then cat /etc/nccl.conf || exit 2; fi; "
                                           "env | grep '^NCCL_'; test $? -le 1", parser=nccl_conf.parse)


def nic_numa(rail) -> Probe:
    """The rail NIC's NUMA node as the kernel sees it (``-1``: no NUMA information)."""
    path = shlex.quote(f"/sys/class/infiniband/{rail.rdma_device}/device/numa_node")
    return Probe(f"nic-numa@{rail.name}", f"cat {path}", parser=scalar.parse)


def plan(node: "Node") -> list[Probe]:
    if not node.hardware.gpus:
        return []
    probes = [TOPO, NVIDIA_VERSION, MODULES, KERNEL, NCCL_SETTINGS]
    probes += [nic_numa(rail) for rail in node.rails if rail.rdma_device]
    return probes  # GPU-memory perftest and the NCCL log are benchmark runs (bringup/bench/catalogue.yml)
