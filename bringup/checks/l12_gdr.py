"""Layer 12 judges: GPUDirect RDMA and the GPU/NIC PCIe and NUMA topology of one node or rail (layers.md L12).

Pure: each takes parsed facts (``nvidia-smi topo -m``, ``/proc/driver/nvidia/version``, ``/proc/modules``,
``/etc/nccl.conf`` + env, a benchmark's figures, the NCCL job log) and expected values
(bringup.expect.Expected) and returns the check's one Verdict, or :class:`NotApplicable` where there is nothing
to judge; suites/l12_gdr/ reads the facts, skips with that reason, or records the verdict. Rail i pairs GPU
``rail.gpu`` with NIC ``rail.rdma_device`` (inventory bringup_rails).
"""

from __future__ import annotations

from bringup.checks.verdict import NotApplicable
from bringup.checks.verdict import Verdict, at_least, holds
from bringup.expect import Expected
from bringup.parsers.nccl_log import HostLog
from bringup.parsers.nvidia_smi_topo import Topology
from bringup.parsers.nvidia_version import NvidiaVersion

__all__ = ["NotApplicable", "gpu_nic_affinity", "gpu_nic_numa", "gdr_kernel_path", "gdr_level_not_overridden",
           "gpu_memory_bandwidth", "nccl_uses_gdr"]

L12 = "layers.md L12"


def gpu_nic_affinity(rail, topo: Topology, allowed: Expected) -> Verdict:
    """The rail's GPU reaches its NIC through PCIe switches only (PIX/PXB): across the CPU interconnect
    (NODE/SYS/PHB) GPUDirect traffic loses bandwidth, and NCCL's distance rule turns GDR off."""
    what = f"GPU{rail.gpu} -> {rail.name} NIC {rail.rdma_device} PCIe path"
    wanted = "/".join(allowed.value)
    try:
        link = topo.link(f"GPU{rail.gpu}", rail.rdma_device)
    except KeyError as exc:  # the matrix lacks the GPU or NIC the inventory pairs on this rail
        return holds(what, False, None, wanted, allowed.source, f"`nvidia-smi topo -m`: {exc.args[0]}")
    return holds(what, link in allowed.value, link, wanted, allowed.source,
                 f"GPU{rail.gpu} reaches {rail.name} NIC {rail.rdma_device} via {link}, not {wanted} "
                 f"({allowed.source}): GPUDirect traffic crosses the CPU interconnect")


def gpu_nic_numa(node: str, rail, topo: Topology, nic_numa: str) -> Verdict | NotApplicable:
    """A GPU and its rail NIC on the same NUMA node, so the proxy thread and host buffers of that rail stay
    local. ``nic_numa`` is the NIC's sysfs numa_node (-1: the kernel knows none)."""
    gpu_numa = topo.numa_affinity.get(f"GPU{rail.gpu}", "")
    if nic_numa == "-1" or not gpu_numa.isdigit():
        return NotApplicable(f"no NUMA information for GPU{rail.gpu} ({gpu_numa or 'none'}) or {rail.rdma_device} "
                             f"({nic_numa}) on {node}: a single-node or NUMA-less system")
    return holds(f"GPU{rail.gpu} and {rail.rdma_device} NUMA node", gpu_numa == nic_numa,
                 f"GPU{rail.gpu} NUMA {gpu_numa}, {rail.rdma_device} NUMA {nic_numa}", "same NUMA node", L12,
                 f"GPU{rail.gpu} is on NUMA node {gpu_numa} but {rail.name} NIC {rail.rdma_device} on NUMA node "
                 f"{nic_numa}")


def _release(text: str) -> tuple[int, ...]:
    """(major, minor) of a kernel release: "5.15.0-105-generic" -> (5, 15)."""
    parts = text.split("-")[0].split(".")
    return tuple(int(p) for p in parts[:2] if p.isdigit())


def gdr_kernel_path(node: str, driver: NvidiaVersion, modules: dict, release: str, minimum: Expected) -> Verdict:
    """One GPUDirect RDMA kernel path: DMA-BUF (the open kernel module on Linux >= ``dmabuf_min_kernel``, which
    NVIDIA recommends, GPU Operator docs [S19]) or the nvidia_peermem module."""
    kernel = _release(release)
    dmabuf = driver.open_kernel_module and kernel >= _release(str(minimum.value))
    peermem = "nvidia_peermem" in modules
    paths = [p for p, ok in (("dma-buf", dmabuf), ("nvidia_peermem", peermem)) if ok]
    return holds("GPUDirect RDMA kernel path", bool(paths), ", ".join(paths) or "none", "dma-buf or nvidia_peermem",
                 f"{L12}, {minimum.source}",
                 f"no GPUDirect RDMA kernel path on {node}: driver {driver.version} is the "
                 f"{'open' if driver.open_kernel_module else 'proprietary'} kernel module, kernel "
                 f"{'.'.join(map(str, kernel))} (dma-buf needs the open module and >= {minimum.value}), "
                 f"and nvidia_peermem is not loaded")


def gdr_level_not_overridden(node: str, settings: dict[str, str], forbidden: Expected) -> Verdict:
    """layers.md L12 "don't override": NCCL's own distance rule enables GDR at PIX/PXB; a forced level either
    disables it or forces it across the CPU. ``settings``: /etc/nccl.conf, then the session's env (later wins)."""
    found = {k: settings[k] for k in forbidden.value if k in settings}
    return holds("NCCL GDR override", not found, found or "unset", "unset", forbidden.source,
                 f"{', '.join(f'{k}={v}' for k, v in found.items())} set on {node} (/etc/nccl.conf or environment); "
                 f"leave GDR to NCCL's distance rule ({forbidden.source})")


def gpu_memory_bandwidth(rail, peer: str, peer_gpu, gpu: float, host: float, gap: Expected) -> Verdict:
    """ib_write_bw from GPU memory within ``gdr_max_gap`` of the same rail and peer from host memory (layers.md
    L12 "within ~2-5%"): a larger gap means ACS redirect, IOMMU translation or a GPU behind another root port."""
    floor = round(host * (1 - gap.value), 2)
    return at_least(f"{rail.name} GPU {rail.gpu} -> {peer} GPU {peer_gpu} ib_write_bw (host memory: {host} Gb/s)",
                    gpu, Expected(floor, f"host memory - {gap.value:.0%}, {gap.source}"), "Gb/s")


def nccl_uses_gdr(node: str, log: HostLog) -> Verdict:
    """Every inter-node channel of the node's NCCL job moves data with GPUDirect RDMA (``via NET/IB/<n>/GDRDMA``,
    layers.md L12 "NCCL sees GDR"); without it the data bounces through host memory."""
    channels = log.net_channels()
    what = "NCCL network channels via GDRDMA"
    if not channels:
        return holds(what, False, "no NET channel", "all", L12,
                     f"NCCL on {node} opened no network channel (no 'via NET/...' line in the job log)")
    without = [c for c in channels if not c.via.endswith("/GDRDMA")]
    first = without[0] if without else None
    return holds(what, not without, f"{len(channels) - len(without)} of {len(channels)} NET channels via GDRDMA",
                 "all", L12,
                 "" if first is None else
                 f"NCCL on {node} moves data through host memory: {len(without)} of {len(channels)} network channels "
                 f"lack GDRDMA (e.g. 'Channel {first.channel:02d} : {first.src} -> {first.dst} via {first.via}'); "
                 f"GDR disabled for HCAs: {', '.join(log.gdr_disabled) or 'none reported'}")
