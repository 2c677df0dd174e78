"""The L5 judge on the recorded H100 node's `ethtool --statistics` (mlx5 per-priority pause counters): pauses on
the RoCE priority pass; a pause counted on another priority (the leaf's PFC on the wrong priority) fails."""

from __future__ import annotations

from pathlib import Path

from bringup.checks import l05_switch_qos as judge
from bringup.expect import Expected
from bringup.parsers import ethtool_stats

COUNTERS = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures" / "common" / "pfc-counters-rail2.out"
PRIO = Expected(3, "policy pfc_priority in bringup/policy.yml")


def test_pauses_on_the_roce_priority_pass():
    good = judge.pauses_only_on("node01", "enp58s0np0", ethtool_stats.parse(COUNTERS.read_text()), PRIO)
    assert (good.outcome, good.measured, good.reference) == ("pass", "none", "pauses on priority 3 only")


def test_pauses_on_another_priority_fail():
    text = COUNTERS.read_text()
    assert "     rx_prio3_pause: 318" in text
    text = text.replace("     rx_prio3_pause: 318", "     rx_prio0_pause: 5521\n     rx_prio3_pause: 318")
    bad = judge.pauses_only_on("node01", "enp58s0np0", ethtool_stats.parse(text), PRIO)
    assert (bad.outcome, bad.measured) == ("fail", ["rx_prio0_pause"])
    assert bad.message == ("enp58s0np0 on node01: PFC pause frames on priorities other than 3 "
                           "(policy pfc_priority in bringup/policy.yml): rx_prio0_pause=5521")
    # held to priority 0, the priority-3 pauses are the stray ones
    assert judge.pauses_only_on("node01", "enp58s0np0", ethtool_stats.parse(text),
                                Expected(0, "inventory bringup_fabric.pfc_priority")).measured == \
        ["rx_prio3_pause", "tx_prio3_pause"]
