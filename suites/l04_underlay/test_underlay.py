"""L4 fabric underlay, host-side evidence (layers.md L4): a don't-fragment ping at the full host MTU from
every rail to the next node's address on the same rail. "message too long" means a local MTU below plan;
silent loss means a hole further along (switch port or the peer's NIC). Switch MTU, BGP and ECMP rows are
switch-side and belong to a switch transport, which this suite does not have yet.
"""

import pytest

from bringup.parsers import ping
from bringup.probes.underlay import mtu_of


def test_jumbo_ping_to_rail_peer(node, rail, facts, check):
    if rail.address is None:
        pytest.skip(f"inventory declares no address for {node.name} {rail.name}")
    peer = node.rail_peers.get(rail.name)
    if peer is None:
        pytest.skip(f"inventory has no other node with an address on {rail.name} to ping from {node.name}")
    if mtu_of(node, rail) is None:
        pytest.skip(f"inventory declares no MTU for {rail.name} (bringup_rails[].mtu or bringup_fabric.mtu)")
    result = facts.parsed(f"ping-{rail.name}", ping.parse, allow_rc=(0, 1))
    check.record(f"{result.received}/{result.transmitted} received", "all")
    errors = facts.result(f"ping-{rail.name}").stderr.strip().splitlines()
    hint = f"; {errors[0]}" if errors else ""
    assert result.ok, (f"{node.name} {rail.netdev} -> {peer[0]} {peer[1]} at MTU {mtu_of(node, rail)}: "
                       f"{result.received} of {result.transmitted} replies, {result.loss_pct:g}% loss{hint}")
