"""The L3 judges on real captures (the recorded H100 nodes' ethtool, ethtool -m, mlxlink and lldpctl output, and
the parser fixtures' real link-down, FEC-off, hot-optic and passive-copper captures): each passes on the healthy
capture and fails, for the right reason, on the capture changed as a fault would."""

from __future__ import annotations

from pathlib import Path

import pytest

from bringup.checks import l03_links as judge
from bringup.expect import Expected, NoConsensus
from bringup.model import CablingEntry
from bringup.parsers import ethtool, ethtool_fec, ethtool_module, ethtool_stats, lldpctl, mlxlink
from tests.unit.checks.captures import read

CAPTURES = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FULL = Expected("Full", "policy duplex in bringup/policy.yml")
SPEED = Expected(400000, "inventory bringup_hardware.nic_speed_mbps")


def capture(name: str, replace: tuple[str, str] | None = None) -> str:
    return read(CAPTURES / name, *filter(None, [replace]))


def test_planned_speed_prefers_the_rail():
    assert judge.planned_speed(200000, 400000) == Expected(200000, "inventory bringup_rails[].speed_mbps")
    assert judge.planned_speed(None, 400000) == SPEED
    assert judge.planned_speed(None, None) is None


def test_link_up_at_speed():
    good = judge.link_up_at_speed("node01", "enp24s0np0", ethtool.parse(capture("common/ethtool-rail0.out")),
                                  FULL, SPEED)
    assert (good.outcome, good.measured, good.reference, good.unit) == ("pass", 400000, 400000, "Mb/s")
    slow = ethtool.parse(capture("common/ethtool-rail1.out", ("Speed: 400000Mb/s", "Speed: 200000Mb/s")))
    bad = judge.link_up_at_speed("node01", "enp42s0np0", slow, FULL, SPEED)  # reported as the speed
    assert (bad.outcome, bad.measured, bad.unit) == ("fail", 200000, "Mb/s")
    assert bad.message == "enp42s0np0 speed: 200000 Mb/s != 400000 Mb/s (inventory bringup_hardware.nic_speed_mbps)"
    half = ethtool.parse(capture("common/ethtool-rail1.out", ("Duplex: Full", "Duplex: Half")))
    assert judge.link_up_at_speed("node01", "enp42s0np0", half, FULL, SPEED).message == \
        "enp42s0np0 duplex: Half != Full (policy duplex in bringup/policy.yml)"
    down = ethtool.parse((FIXTURES / "ethtool" / "link_down_crlf.txt").read_text())
    assert judge.link_up_at_speed("node01", "enp42s0np0", down, FULL, SPEED).message == \
        "enp42s0np0 on node01: Link detected: no"


def test_link_speed_against_the_fleet():
    link = ethtool.parse(capture("common/ethtool-rail0.out"))
    fleet = {"node01": 400000, "node02": 400000, "node03": 200000}
    assert judge.link_up_at_speed("node01", "enp24s0np0", link, FULL, None, fleet).outcome == "pass"
    bad = judge.link_up_at_speed("node03", "enp24s0np0", link, FULL, None, {**fleet, "node03": 400000,
                                                                           "node01": 200000, "node02": 200000})
    assert bad.failed and bad.reference == 200000 and bad.message.endswith("nodes that differ: node03")
    with pytest.raises(NoConsensus):
        judge.link_up_at_speed("node01", "enp24s0np0", link, FULL, None, {"node01": 400000, "node02": 200000})


def test_fec_active():
    rs = Expected("RS", "policy fec in bringup/policy.yml")
    assert judge.fec_active("enp24s0np0", ethtool_fec.parse(capture("common/fec-rail0.out")), rs).outcome == "pass"
    off = ethtool_fec.parse((FIXTURES / "ethtool_fec" / "off.txt").read_text())
    assert judge.fec_active("enp154s0np0", off, rs).message == \
        "enp154s0np0 active FEC: Off != RS (policy fec in bringup/policy.yml)"


def test_symbol_errors():
    limit = Expected(0, "policy max_symbol_errors in bringup/policy.yml")
    good = judge.symbol_errors("node02", "eth6", ethtool_stats.parse(capture("common/ethtool-S-rail6.out")), limit)
    assert (good.outcome, good.measured, good.reference) == ("pass", 0, "<= 0")
    dirty = ethtool_stats.parse(capture("common/ethtool-S-rail6.out",
                                        ("rx_pcs_symbol_err_phy: 0", "rx_pcs_symbol_err_phy: 8812")))
    assert judge.symbol_errors("node02", "eth6", dirty, limit).message == \
        "eth6 rx_pcs_symbol_err_phy: 8812 > 0 (policy max_symbol_errors in bringup/policy.yml)"
    veth = ethtool_stats.parse((FIXTURES / "ethtool_stats" / "veth.txt").read_text())
    assert judge.symbol_errors("node02", "veth0", veth, limit).message == \
        "veth0 on node02: `ethtool -S` has no rx_pcs_symbol_err_phy (not an mlx5 PHY?)"


def test_optics_dom():
    good = judge.optics_dom("eth7", ethtool_module.parse(capture("node01/module-rail7.out")))
    assert (good.outcome, good.measured, good.reference) == ("pass", "46.21 C", "-5.0..80.0 C")
    hot = ethtool_module.parse((FIXTURES / "ethtool_module" / "osfp_hot_alarm.txt").read_text())
    assert judge.optics_dom("eth7", hot).message == "eth7 optic flags raised: Module temperature high alarm"
    # over the threshold with no flag raised yet (flags latch on the module's own poll)
    label = "Module temperature                        : "
    warm = ethtool_module.parse(capture("node01/module-rail7.out", (f"{label}46.21", f"{label}80.50")))
    assert judge.optics_dom("eth7", warm).message == \
        "eth7 module temperature 80.5 C outside the module's alarm thresholds -5.0..80.0 C"


def test_link_ber():
    eff = Expected(1.0e-14, "policy max_effective_ber in bringup/policy.yml")
    raw = Expected(1.0e-6, "policy max_raw_ber in bringup/policy.yml")
    good = judge.link_ber("eth1", mlxlink.parse(capture("common/mlxlink-rail1.out")), eff, raw)
    assert (good.outcome, good.measured, good.reference) == ("pass", 2e-12, "<= 1e-06")
    high = mlxlink.parse(capture("common/mlxlink-rail1.out", ("Raw Physical BER                   : 2E-12",
                                                              "Raw Physical BER                   : 3E-5")))
    assert judge.link_ber("eth1", high, eff, raw).message == \
        "eth1 Raw Physical BER 3.0E-05 > 1E-06 (policy max_raw_ber in bringup/policy.yml)"
    text = capture("common/mlxlink-rail1.out")
    down = mlxlink.parse(text.replace("LinkUp", "Polling").replace(": Active", ": Disable"))
    assert judge.link_ber("eth1", down, eff, raw).message == \
        "eth1 mlxlink State Disable, Physical state Polling (want Active, LinkUp)"


def test_lldp_neighbour():
    planned = CablingEntry(node="node01", rail="rail0", leaf="leaf1", port="swp1")
    seen = lldpctl.parse(capture("node01/lldp.out"))["enp24s0np0"]
    good = judge.lldp_neighbour("node01", "enp24s0np0", seen, planned)
    assert (good.outcome, good.measured, good.reference) == ("pass", ["leaf1 swp1"], "leaf1 swp1")
    wrong = CablingEntry(node="node01", rail="rail0", leaf="leaf1", port="swp9")
    assert judge.lldp_neighbour("node01", "enp24s0np0", seen, wrong).message == \
        "node01 enp24s0np0 is cabled to leaf1 swp1; the cabling plan says leaf1 swp9"
    assert judge.lldp_neighbour("node01", "enp24s0np0", [], planned).message == \
        "no LLDP neighbour on enp24s0np0 of node01 (plan: leaf1 swp1)"
