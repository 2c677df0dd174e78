"""L12 GPUDirect RDMA & topology: GPU<->NIC affinity, the GDR kernel path, no NCCL GDR override
(layers.md L12). Rail i pairs GPU ``rail.gpu`` with NIC ``rail.rdma_device`` (inventory bringup_rails).
"""

import pytest

from bringup import expect
from bringup.parsers import nccl_conf, nvidia_smi_topo, nvidia_version, proc_modules, scalar
from bringup.probes.gdr import nic_numa_key


def _needs_gpus(node):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")


def _kernel(text):
    release = scalar.parse(text)
    parts = release.split("-")[0].split(".")
    return tuple(int(p) for p in parts[:2] if p.isdigit())


def test_gpu_nic_affinity(node, rail, facts, check):
    if rail.gpu is None or not rail.rdma_device:
        pytest.skip(f"inventory pairs no GPU and RDMA device with {node.name} {rail.name}")
    _needs_gpus(node)
    topo = facts.parsed("topo", nvidia_smi_topo.parse)
    link = topo.link(f"GPU{rail.gpu}", rail.rdma_device)
    allowed = expect.declared(node, "gpu_nic_topology")
    check.record(link, allowed.value)
    assert link in allowed.value, (f"GPU{rail.gpu} reaches {rail.name} NIC {rail.rdma_device} via {link}, "
                                   f"not {'/'.join(allowed.value)} ({allowed.source}): GPUDirect traffic crosses "
                                   f"the CPU interconnect")


def test_gpu_and_nic_share_numa_node(node, rail, facts, check):
    """layers.md L12: a GPU and its rail NIC on the same NUMA node, so the proxy thread and host buffers of
    that rail stay local."""
    if rail.gpu is None or not rail.rdma_device:
        pytest.skip(f"inventory pairs no GPU and RDMA device with {node.name} {rail.name}")
    _needs_gpus(node)
    gpu_numa = facts.parsed("topo", nvidia_smi_topo.parse).numa_affinity.get(f"GPU{rail.gpu}", "")
    nic_numa = facts.parsed(nic_numa_key(rail), scalar.parse)
    if nic_numa == "-1" or not gpu_numa.isdigit():
        pytest.skip(f"no NUMA information for GPU{rail.gpu} ({gpu_numa or 'none'}) or {rail.rdma_device} "
                    f"({nic_numa}) on {node.name}: a single-node or NUMA-less system")
    check.record(f"GPU{rail.gpu} NUMA {gpu_numa}, {rail.rdma_device} NUMA {nic_numa}", "same NUMA node")
    assert gpu_numa == nic_numa, \
        f"GPU{rail.gpu} is on NUMA node {gpu_numa} but {rail.name} NIC {rail.rdma_device} on NUMA node {nic_numa}"


def test_gdr_kernel_path_present(node, facts, check):
    _needs_gpus(node)
    driver = facts.parsed("nvidia-version", nvidia_version.parse)
    modules = facts.parsed("modules", proc_modules.parse)
    kernel = _kernel(facts.output("gdr-kernel"))
    minimum = expect.declared(node, "dmabuf_min_kernel")
    min_kernel = tuple(int(p) for p in str(minimum.value).split("."))
    dmabuf = driver.open_kernel_module and kernel >= min_kernel
    peermem = "nvidia_peermem" in modules
    paths = [p for p, ok in (("dma-buf", dmabuf), ("nvidia_peermem", peermem)) if ok]
    check.record(", ".join(paths) or "none", "dma-buf or nvidia_peermem")
    assert paths, (f"no GPUDirect RDMA kernel path on {node.name}: driver {driver.version} is the "
                   f"{'open' if driver.open_kernel_module else 'proprietary'} kernel module, kernel "
                   f"{'.'.join(map(str, kernel))} (dma-buf needs the open module and >= {minimum.value}), "
                   f"and nvidia_peermem is not loaded")


def test_nccl_gdr_level_not_overridden(node, facts, check):
    _needs_gpus(node)
    settings = facts.parsed("gdr-nccl-settings", nccl_conf.parse)  # /etc/nccl.conf, then env (later wins)
    forbidden = expect.declared(node, "nccl_gdr_forbidden_env")
    found = {k: settings[k] for k in forbidden.value if k in settings}
    check.record(found or "unset", "unset")
    assert not found, (f"{', '.join(f'{k}={v}' for k, v in found.items())} set on {node.name} "
                       f"(/etc/nccl.conf or environment); leave GDR to NCCL's distance rule ({forbidden.source})")
