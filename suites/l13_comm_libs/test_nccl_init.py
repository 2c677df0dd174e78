"""L13 "NCCL init log" (layers.md L13): NCCL's own account of the network it chose. Every rail appears as a
RoCE device (``NET/IB : Using [0]mlx5_0:1/RoCE ... [7]mlx5_7:1/RoCE``) and no data goes over ``NET/Socket``.
A missing rail here is a rail NCCL will never use, whatever the host layers say.
"""

from bringup.checks import nccl


def test_nccl_uses_every_rail_over_roce(node, bench, check):
    log = nccl.host_log(node, bench)
    wanted = sorted(r.rdma_device for r in node.rails if r.rdma_device)
    roce = sorted(d.name for d in log.ib_devices if d.kind == "RoCE")
    check.record(" ".join(roce) or "none", " ".join(wanted))
    socket = [c.via for c in log.net_channels() if c.via.startswith("NET/Socket")]
    assert "Socket" not in log.networks and not socket, (
        f"NCCL on {node.name} fell back to TCP sockets (networks: {', '.join(log.networks) or 'none'}; socket "
        f"devices: {', '.join(d.name for d in log.socket_devices) or 'none'}): no RDMA for the job")
    missing = sorted(set(wanted) - set(roce))
    assert not missing, (f"NCCL on {node.name} lists {', '.join(roce) or 'no RoCE device'}; the inventory's rails "
                         f"{', '.join(missing)} are missing (NCCL_IB_HCA, a port down, or not RoCE)")
    assert log.init_complete, f"NCCL on {node.name} never reached 'Init COMPLETE' in the job log"
