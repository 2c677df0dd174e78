"""L12 GDR bandwidth (layers.md L12): ib_write_bw from GPU memory stays within a few percent of host memory
on the same rail and peer. A large gap means the GPU-NIC path is wrong (ACS redirect, IOMMU translation, a GPU
behind another root complex) even when every setting reads right.

Both figures are benchmark runs this node sends on the rail (bringup/bench/catalogue.yml
``perftest-write-bw-gpu`` with ``--use_cuda=<the rail's GPU>`` at both ends, and ``perftest-write-bw``).
"""

import pytest

from bringup import expect
from bringup.checks import l12_gdr as judge
from bringup.checks import network


def test_gpu_memory_bandwidth_near_host_memory(node, rail, bench, check):
    network.require_roce(node, rail)
    runs = {case: bench.run_of(case, node.name, rail.name, leading=True)
            for case in ("perftest-write-bw-gpu", "perftest-write-bw")}
    for case, run in runs.items():
        if run is None or run.skip:
            pytest.skip(run.skip if run else f"no {case} run sends from {node.name} on {rail.name}")
    gpu_run, host_run = runs["perftest-write-bw-gpu"], runs["perftest-write-bw"]
    check(judge.gpu_memory_bandwidth(rail, gpu_run.node_names[1], gpu_run.nodes[1].rail(rail.name).gpu,
                                     bench.figure(gpu_run, "bandwidth"), bench.figure(host_run, "bandwidth"),
                                     expect.declared(node, "gdr_max_gap")))
