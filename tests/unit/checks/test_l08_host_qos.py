"""The L8 judges on real captures (the recorded H100 node's mlnx_qos, ECN sysfs, ethtool, configfs): each
passes on the healthy capture and fails, for the right reason, on the capture changed as a fault would."""

from __future__ import annotations

from pathlib import Path

import pytest

from bringup.checks import l08_host_qos as judge
from bringup.expect import Expected
from bringup.parsers import ecn_sysfs, ethtool_pause, ethtool_rings, mlnx_qos, rdma_cm
from tests.unit.checks.captures import read

H100 = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures" / "common"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def capture(name: str, replace: tuple[str, str] | None = None) -> str:
    return read(H100 / name, *filter(None, [replace]))


def inv(value, key):
    return Expected(value, f"inventory bringup_fabric.{key}")


TRUST, DSCP, PRIO = inv("dscp", "trust"), inv(26, "roce_dscp"), inv(3, "pfc_priority")


def test_trust_and_dscp_map():
    good = judge.trust_and_dscp_map("eth0", mlnx_qos.parse(capture("mlnx_qos-rail0.out")), TRUST, DSCP, PRIO)
    assert (good.outcome, good.measured, good.reference) == ("pass", 3, 3)
    pcp = mlnx_qos.parse(capture("mlnx_qos-rail0.out", ("trust state: dscp", "trust state: pcp")))
    bad = judge.trust_and_dscp_map("eth0", pcp, TRUST, DSCP, PRIO)
    assert bad.message == "eth0 priority trust state: pcp != dscp (inventory bringup_fabric.trust)"
    moved = mlnx_qos.parse(capture("mlnx_qos-rail0.out", ("prio:3 dscp:31,30,29,28,27,26,25,24,",
                                                          "prio:3 dscp:31,30,29,28,27,25,24,")))
    bad = judge.trust_and_dscp_map("eth0", moved, TRUST, DSCP, PRIO)
    assert bad.failed and bad.message.startswith("eth0 priority of RoCE DSCP 26 (inventory bringup_fabric.roce_dscp)")


def test_pfc_only_on_the_roce_priority():
    qos = mlnx_qos.parse(capture("mlnx_qos-rail0.out"))
    assert judge.pfc_only_on("eth0", qos.pfc_enabled, PRIO).outcome == "pass"
    bad = judge.pfc_only_on("eth0", qos.pfc_enabled, inv(4, "pfc_priority"))
    assert bad.message == ("eth0 PFC enabled per priority 0-7: [0, 0, 0, 1, 0, 0, 0, 0] != [0, 0, 0, 0, 1, 0, 0, 0] "
                           "(inventory bringup_fabric.pfc_priority: PFC on priority 4 only)")


def test_ecn_and_cnp():
    ecn = ecn_sysfs.parse(capture("ecn-rail0.out"))
    assert judge.ecn_on_priority("eth0", ecn, PRIO, inv(True, "ecn")).outcome == "pass"
    assert judge.ecn_on_priority("eth0", ecn, inv(5, "pfc_priority"), inv(True, "ecn")).failed
    dscp, prio = ecn.cnp_dscp, ecn.cnp_802p_prio
    assert judge.cnp_marking("eth0", ecn, inv(dscp, "cnp_dscp"), inv(prio, "cnp_priority")).outcome == "pass"
    bad = judge.cnp_marking("eth0", ecn, inv(dscp + 1, "cnp_dscp"), inv(prio, "cnp_priority"))
    assert bad.failed and bad.measured == (dscp, prio)


def test_rdma_cm_tos():
    ports = rdma_cm.parse(capture("roce_tos-rail0.out"))
    assert judge.rdma_cm_tos("mlx5_0", ports, inv(106, "tos")).outcome == "pass"
    assert judge.rdma_cm_tos("mlx5_0", ports, inv(104, "tos")).message == \
        "mlx5_0 default_roce_tos: 106 != 104 (inventory bringup_fabric.tos)"
    assert judge.rdma_cm_tos("mlx5_9", ports, inv(106, "tos")).message == \
        "configfs rdma_cm shows no port 1 for mlx5_9"


def test_global_pause_and_rings():
    off = ethtool_pause.parse((FIXTURES / "ethtool_pause" / "off.txt").read_text())
    on = ethtool_pause.parse((FIXTURES / "ethtool_pause" / "on_negotiated.txt").read_text())
    wanted = Expected(False, "policy global_pause in bringup/policy.yml")
    assert judge.global_pause_off("eth0", off, wanted).outcome == "pass"
    assert judge.global_pause_off("eth0", on, wanted).failed
    full = ethtool_rings.parse((FIXTURES / "ethtool_rings" / "cx7_ethtool6.txt").read_text())
    small = ethtool_rings.parse((FIXTURES / "ethtool_rings" / "ethtool5_small.txt").read_text())
    assert judge.rings_at_maximum("eth0", full).outcome == "pass"
    bad = judge.rings_at_maximum("eth0", small)
    assert bad.failed and bad.measured != bad.reference


def test_lossless_buffer():
    healthy = mlnx_qos.parse(capture("mlnx_qos-rail0.out"))
    assert judge.lossless_buffer("node01", "eth0", healthy, PRIO).outcome == "pass"
    shared = mlnx_qos.parse(capture("mlnx_qos-rail0.out", ("buffer      0   0   0   1   0   0   0   0",
                                                           "buffer      0   0   0   1   1   0   0   0")))
    assert judge.lossless_buffer("node01", "eth0", shared, PRIO).message == \
        "eth0: RoCE priority 3 shares receive buffer 1 with priorities [4] that have no PFC"
    no_cable = mlnx_qos.parse(capture("mlnx_qos-rail0.out", ("Cable len: 7\n", "")))
    assert judge.lossless_buffer("node01", "eth0", no_cable, PRIO).message == \
        "eth0: mlnx_qos shows no cable length, so PFC headroom is sized for a default"
    # MLNX_OFED 4.2's mlnx_qos prints no buffer row: nothing to judge (the suite skips, naming why)
    ofed42 = mlnx_qos.parse((FIXTURES / "mlnx_qos" / "ofed42_ets.txt").read_text())
    assert judge.lossless_buffer("node01", "eth0", ofed42, PRIO) == judge.NotApplicable(
        "eth0 on node01: no prio2buffer row (mlnx_qos of this version or dcb fallback)")


@pytest.mark.parametrize("outcome", ["warn", "fail"])
def test_a_verdict_that_does_not_pass_must_say_why(outcome):
    from bringup.checks import Verdict

    with pytest.raises(ValueError, match="needs a message"):
        Verdict("eth0 MTU", 1500, 9000, outcome)
