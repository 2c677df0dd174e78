"""L12 "NCCL sees GDR" (layers.md L12): in a real NCCL job, every inter-node channel of this node moves data
with GPUDirect RDMA (``via NET/IB/<n>/GDRDMA``); the job is the 2-node Ring all_reduce benchmark. Without it NCCL bounces the data through host memory: the
job still runs, slower, and no setting-level check notices.
"""

from bringup.checks import nccl


def test_nccl_uses_gpudirect_rdma(node, bench, check):
    log = nccl.host_log(node, bench)
    channels = log.net_channels()
    without = [c for c in channels if not c.via.endswith("/GDRDMA")]
    check.record(f"{len(channels) - len(without)} of {len(channels)} NET channels via GDRDMA", "all")
    assert channels, f"NCCL on {node.name} opened no network channel (no 'via NET/...' line in the job log)"
    assert not without, (
        f"NCCL on {node.name} moves data through host memory: {len(without)} of {len(channels)} network channels "
        f"lack GDRDMA (e.g. 'Channel {without[0].channel:02d} : {without[0].src} -> {without[0].dst} via "
        f"{without[0].via}'); GDR disabled for HCAs: {', '.join(log.gdr_disabled) or 'none reported'}")
