"""L13 "NCCL init log" (layers.md L13): NCCL's own account of the network it chose. Every rail appears as a
RoCE device (``NET/IB : Using [0]mlx5_0:1/RoCE ... [7]mlx5_7:1/RoCE``) and no data goes over ``NET/Socket``.
A missing rail here is a rail NCCL will never use, whatever the host layers say.
"""

from bringup.checks import l13_comm_libs as judge
from bringup.checks import nccl


def test_nccl_uses_every_rail_over_roce(node, bench, check):
    check(judge.nccl_uses_every_rail(node.name, nccl.host_log(node, bench),
                                     [r.rdma_device for r in node.rails if r.rdma_device]))
