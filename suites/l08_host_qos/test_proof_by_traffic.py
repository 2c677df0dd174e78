"""L8 proof by traffic (layers.md L8): RoCE traffic sent with the contract's traffic class leaves on the PFC
priority. The single best end-to-end check of the DSCP -> priority map: every setting can read right and the
traffic still ride priority 0 (a map on the wrong port, an application ToS the NIC doesn't trust).
"""

from bringup import expect, netcheck, trafficcheck
from bringup.probe.prober import ProbeError


def test_roce_traffic_rides_pfc_priority(node, rail, facts, check):
    trafficcheck.require(node, rail)
    gbps = trafficcheck.bandwidth_gbps(facts, node, rail, "proof")
    prio = netcheck.fabric(node, "pfc_priority")
    before, after = facts.output(f"counters-before-{rail.name}"), facts.output(f"counters-after-{rail.name}")
    try:
        share = trafficcheck.priority_share(before, after, prio.value)
    except ValueError as exc:
        raise ProbeError(f"{node.name}: {rail.netdev}: {exc}") from None
    wanted = expect.declared(node, "traffic_proof_min_share")
    check.record(round(share.share, 4), f">= {wanted.value} on priority {prio.value}")
    assert gbps > 0, f"{rail.netdev}: the perftest moved no data ({gbps} Gb/s)"
    assert share.share >= wanted.value, (
        f"{rail.netdev} on {node.name}: only {share.share:.1%} of the tx bytes of a {gbps:.1f} Gb/s RDMA write with "
        f"the contract's traffic class left on priority {prio.value} ({prio.source}); the most went on priority "
        f"{share.busiest} (bytes per priority: {share.deltas}); wanted >= {wanted.value:.0%} ({wanted.source})")
