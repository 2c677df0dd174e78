"""L12 "NCCL sees GDR" (layers.md L12): in a real NCCL job, every inter-node channel of this node moves data
with GPUDirect RDMA (``via NET/IB/<n>/GDRDMA``); the job is the 2-node Ring all_reduce benchmark. Without it
NCCL bounces the data through host memory: the job still runs, slower, and no setting-level check notices.
The job's log is shared with L13's "NCCL init log" check (bringup/checks/nccl.py).
"""

from bringup.checks import l12_gdr as judge
from bringup.checks import nccl


def test_nccl_uses_gpudirect_rdma(node, bench, check):
    check(judge.nccl_uses_gdr(node.name, nccl.host_log(node, bench)))
