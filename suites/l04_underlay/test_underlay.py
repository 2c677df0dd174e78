"""L4 fabric underlay, host-side evidence (layers.md L4): a don't-fragment ping at the full host MTU from
every rail to the next node's address on the same rail. "message too long" means a local MTU below plan;
silent loss means a hole further along (switch port or the peer's NIC). Switch MTU, BGP and ECMP rows are
switch-side and belong to a switch transport, which this suite does not have yet.
"""

import pytest

from bringup.checks import l04_underlay as judge
from bringup.probes import underlay


def test_jumbo_ping_to_rail_peer(node, rail, facts, check):
    if rail.address is None:
        pytest.skip(f"inventory declares no address for {node.name} {rail.name}")
    peer = node.rail_peers.get(rail.name)
    if peer is None:
        pytest.skip(f"inventory has no other node with an address on {rail.name} to ping from {node.name}")
    mtu = underlay.mtu_of(node, rail)
    if mtu is None:
        pytest.skip(f"inventory declares no MTU for {rail.name} (bringup_rails[].mtu or bringup_fabric.mtu)")
    probe = underlay.ping(node, rail)
    check(judge.jumbo_ping(node.name, rail.netdev, peer, mtu, facts.get(probe), facts.result(probe.key).stderr or ""))
