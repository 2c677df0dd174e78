"""L8 proof by traffic (layers.md L8): RoCE traffic sent with the contract's traffic class leaves on the PFC
priority. The single best end-to-end check of the DSCP -> priority map: every setting can read right and the
traffic still ride priority 0 (a map on the wrong port, an application ToS the NIC doesn't trust).

The traffic is the ``perftest-write-bw`` benchmark this node sends on the rail (``--tclass=<bringup_fabric.tos>``,
bringup/bench/catalogue.yml), bracketed by the ``ethtool -S`` snapshots the benchmark runner takes.
"""

import pytest

from bringup import expect
from bringup.checks import l08_traffic_proof as judge
from bringup.checks import network, traffic
from bringup.probe.prober import ProbeError

CASE = "perftest-write-bw"


def test_roce_traffic_rides_pfc_priority(node, rail, bench, check):
    network.require_roce(node, rail)
    run = bench.run_of(CASE, node.name, rail.name, leading=True)
    if run is None or run.skip:
        pytest.skip(run.skip if run else f"no {CASE} run sends from {node.name} on {rail.name}")
    gbps = bench.figure(run, "bandwidth")
    side = bench.recorded(run).counters.get(node.name, {}).get(rail.name) or {}
    if not side.get("before") or not side.get("after"):
        raise ProbeError(f"{node.name}: no `ethtool -S {rail.netdev}` snapshots around {run.id}")
    prio = network.fabric(node, "pfc_priority")
    try:
        share = traffic.priority_share(side["before"], side["after"], prio.value)
    except ValueError as exc:
        raise ProbeError(f"{node.name}: {rail.netdev}: {exc}") from None
    check(judge.rides_pfc_priority(node.name, rail.netdev, gbps, share, prio,
                                   expect.declared(node, "traffic_proof_min_share")))
