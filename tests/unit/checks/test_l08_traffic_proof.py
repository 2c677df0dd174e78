"""The L8 proof-by-traffic judge on the real counters recorded around node01's rail2 perftest (``ethtool -S``
before and after the RDMA write of the H100 scenario): it passes on them and fails, naming the priority the
bytes took, on the counters as the traffic_on_priority_0 fault changes them."""

from __future__ import annotations

from pathlib import Path

from bringup.checks import l08_traffic_proof as judge
from bringup.checks.traffic import priority_share
from bringup.expect import Expected

NODE01 = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures" / "node01"
PRIO = Expected(3, "inventory bringup_fabric.pfc_priority")
WANTED = Expected(0.95, "bringup/policy.yml traffic_proof_min_share")
NETDEV = "enp58s0np0"


def share(replace: list[tuple[str, str]] = ()):
    after = (NODE01 / "counters-after-rail2.out").read_text()
    for old, new in replace:
        assert old in after
        after = after.replace(old, new)
    return priority_share((NODE01 / "counters-before-rail2.out").read_text(), after, 3)


def test_rdma_write_rides_the_pfc_priority():
    good = judge.rides_pfc_priority("node01", NETDEV, 391.2, share(), PRIO, WANTED)
    assert (good.outcome, good.measured, good.reference, good.source) == (
        "pass", 1.0, ">= 0.95 on priority 3", "bringup/policy.yml traffic_proof_min_share")


def test_rdma_write_on_priority_0_fails_naming_it():
    moved = share([("tx_prio0_bytes: 9228050", "tx_prio0_bytes: 249628050"),
                   ("tx_prio3_bytes: 1754959381472", "tx_prio3_bytes: 1505339923302")])
    bad = judge.rides_pfc_priority("node01", NETDEV, 391.2, moved, PRIO, WANTED)
    assert (bad.outcome, bad.measured) == ("fail", 0.0002)
    assert bad.message == (
        "enp58s0np0 on node01: only 0.0% of the tx bytes of a 391.2 Gb/s RDMA write with the contract's traffic "
        "class left on priority 3 (inventory bringup_fabric.pfc_priority); the most went on priority 0 (bytes per "
        "priority: {0: 240441830, 1: 0, 2: 0, 3: 41830, 4: 0, 5: 0, 6: 0, 7: 0}); wanted >= 95% "
        "(bringup/policy.yml traffic_proof_min_share)")


def test_a_run_that_moved_nothing_fails_first():
    bad = judge.rides_pfc_priority("node01", NETDEV, 0.0, share(), PRIO, WANTED)
    assert bad.message == "enp58s0np0: the perftest moved no data (0.0 Gb/s)"
