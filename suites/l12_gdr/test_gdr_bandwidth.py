"""L12 GDR bandwidth (layers.md L12): ib_write_bw from GPU memory stays within a few percent of host memory
on the same rail and peer, measured back to back. A large gap means the GPU-NIC path is wrong (ACS redirect,
IOMMU translation, a GPU behind another root complex) even when every setting reads right.
"""

import pytest

from bringup import expect, trafficcheck


def test_gpu_memory_bandwidth_near_host_memory(node, rail, facts, check):
    trafficcheck.require(node, rail)
    far = node.peer_rails[rail.name]
    if rail.gpu is None or far.gpu is None:
        owner = node.name if rail.gpu is None else node.rail_peers[rail.name][0]
        pytest.skip(f"inventory declares no GPU for {rail.name} on {owner}")
    host = trafficcheck.bandwidth_gbps(facts, node, rail, "gdr-host")
    gpu = trafficcheck.bandwidth_gbps(facts, node, rail, "gdr-cuda")
    gap = expect.declared(node, "gdr_max_gap")
    floor = round(host * (1 - gap.value), 2)
    check.at_least(f"{rail.name} GPU {rail.gpu} -> {node.rail_peers[rail.name][0]} GPU {far.gpu} ib_write_bw "
                   f"(host memory: {host} Gb/s)", gpu,
                   expect.Expected(floor, f"host memory - {gap.value:.0%}, {gap.source}"), "Gb/s")
