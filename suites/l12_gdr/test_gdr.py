"""L12 GPUDirect RDMA & topology: GPU<->NIC affinity, the GDR kernel path, no NCCL GDR override
(layers.md L12). Rail i pairs GPU ``rail.gpu`` with NIC ``rail.rdma_device`` (inventory bringup_rails).
"""

import pytest

from bringup import expect
from bringup.checks import l12_gdr as judge
from bringup.probes import gdr as probes


def _needs_gpus(node):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")


def _needs_pair(node, rail):
    if rail.gpu is None or not rail.rdma_device:
        pytest.skip(f"inventory pairs no GPU and RDMA device with {node.name} {rail.name}")
    _needs_gpus(node)


def test_gpu_nic_affinity(node, rail, facts, check):
    _needs_pair(node, rail)
    check(judge.gpu_nic_affinity(rail, facts.get(probes.TOPO), expect.declared(node, "gpu_nic_topology")))


def test_gpu_and_nic_share_numa_node(node, rail, facts, check):
    """layers.md L12: a GPU and its rail NIC on the same NUMA node, so the proxy thread and host buffers of
    that rail stay local."""
    _needs_pair(node, rail)
    check(judge.gpu_nic_numa(node.name, rail, facts.get(probes.TOPO), facts.get(probes.nic_numa(rail))))


def test_gdr_kernel_path_present(node, facts, check):
    _needs_gpus(node)
    check(judge.gdr_kernel_path(node.name, facts.get(probes.NVIDIA_VERSION), facts.get(probes.MODULES),
                                facts.get(probes.KERNEL), expect.declared(node, "dmabuf_min_kernel")))


def test_nccl_gdr_level_not_overridden(node, facts, check):
    _needs_gpus(node)
    check(judge.gdr_level_not_overridden(node.name, facts.get(probes.NCCL_SETTINGS),
                                         expect.declared(node, "nccl_gdr_forbidden_env")))
