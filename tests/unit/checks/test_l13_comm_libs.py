"""The L13 judges on real captures (the recorded H100 nodes' ompi_info, ucx_info -d, /etc/nccl.conf, the NCCL
library string and the sixteen ib_write_bw runs of tests/scenarios/h100/bench; Debian's Open MPI 4.1.4
listing): each passes on the healthy capture and fails, for the right reason, on the capture changed as a
fault would change it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bringup.checks import l13_comm_libs as judge
from bringup.expect import Expected
from bringup.parsers import nccl_conf, nccl_version, ompi_info, perftest, ucx_info_devices
from tests.unit.checks.captures import read

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "h100"
H100 = SCENARIO / "captures" / "common"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def capture(name: str, replace: tuple[str, str] | None = None) -> str:
    return read(H100 / name, *filter(None, [replace]))


def policy(value, key):
    return Expected(value, f"policy {key} in bringup/policy.yml")


def settings(conf: str = None, env: str = "") -> dict[str, str]:
    return {**nccl_conf.parse(conf if conf is not None else capture("nccl-conf.out")), **nccl_conf.parse(env)}


PML_UCX = policy(["pml:ucx"], "ompi_components")


def test_openmpi_components():
    info = ompi_info.parse(capture("ompi-info.out"))
    good = judge.openmpi_components("node01", info, PML_UCX)
    assert (good.outcome, good.measured, good.reference) == ("pass", "all present", ["pml:ucx"])
    stripped = ompi_info.parse(capture("ompi-info.out", (
        "                    MCA pml: ucx (MCA v2.1.0, API v2.0.0, Component v4.1.5)\n", "")))
    bad = judge.openmpi_components("node01", stripped, PML_UCX)
    assert (bad.outcome, bad.measured) == ("fail", ["pml:ucx"])
    assert bad.message == "Open MPI 4.1.5 on node01 lacks pml:ucx (policy ompi_components in bringup/policy.yml)"
    # Debian's openmpi-bin 4.1.4 (a real listing) has the UCX PML, not Mellanox HCOLL (Debian does not build it)
    debian = ompi_info.parse((FIXTURES / "ompi_info" / "listing_4_1_4_debian_real.txt").read_text())
    assert judge.openmpi_components("lab01", debian, PML_UCX).outcome == "pass"
    hcoll = judge.openmpi_components("lab01", debian, Expected(["pml:ucx", "coll:hcoll"], "inventory"))
    assert (hcoll.measured, hcoll.message) == (["coll:hcoll"], "Open MPI 4.1.4 on lab01 lacks coll:hcoll (inventory)")


def test_ucx_rail_transports():
    wanted = policy(["rc_mlx5", "ud_mlx5"], "ucx_rail_transports")
    devices = ucx_info_devices.parse(capture("ucx-devices.out"))
    good = judge.ucx_rail_transports("node01", "mlx5_4:1", devices, wanted)
    assert (good.outcome, good.measured) == ("pass", ["rc_verbs", "rc_mlx5", "dc_mlx5", "ud_verbs", "ud_mlx5"])
    head, sep, tail = capture("ucx-devices.out").partition("# Memory domain: mlx5_4")
    verbs_only = ucx_info_devices.parse(head + sep + tail.replace("Transport: rc_mlx5", "Transport: rc_verbs", 1))
    bad = judge.ucx_rail_transports("node01", "mlx5_4:1", verbs_only, wanted)
    assert bad.message == ("UCX on node01 offers ['rc_verbs', 'rc_verbs', 'dc_mlx5', 'ud_verbs', 'ud_mlx5'] on "
                           "mlx5_4:1, missing ['rc_mlx5'] (policy ucx_rail_transports in bringup/policy.yml)")
    absent = judge.ucx_rail_transports("node01", "mlx5_12:1", devices, wanted)
    assert absent.message.startswith("UCX on node01 offers nothing on mlx5_12:1, missing ['rc_mlx5', 'ud_mlx5']")


def test_nccl_ib_hca_selects_the_rail_device():
    good = judge.nccl_ib_hca_selects("node02", settings(), "rail6", "mlx5_6")
    assert (good.outcome, good.measured, good.reference) == (
        "pass", "mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7", "selects mlx5_6")
    skipped = settings(capture("nccl-conf.out", ("mlx5_5,mlx5_6,mlx5_7", "mlx5_5,mlx5_7")))
    assert judge.nccl_ib_hca_selects("node02", skipped, "rail6", "mlx5_6").message == \
        "NCCL_IB_HCA=mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_7 does not select rail6 device mlx5_6"
    unset = settings(capture("nccl-conf.out", ("NCCL_IB_HCA=", "# NCCL_IB_HCA=")))
    bad = judge.nccl_ib_hca_selects("node02", unset, "rail6", "mlx5_6")
    assert (bad.outcome, bad.measured) == ("fail", None)
    assert bad.message == "NCCL_IB_HCA is not set on node02: NCCL may pick the frontend NIC"
    # the session overrides the site file (the crlf fixture: an exact-match list with ports, `export`ed)
    exact = settings(env=(FIXTURES / "nccl_conf" / "sourced_env_crlf.txt").read_text())
    assert exact["NCCL_IB_HCA"] != settings()["NCCL_IB_HCA"]


def test_nccl_ib_tc():
    tos = Expected(106, "inventory bringup_fabric.tos")
    good = judge.nccl_ib_tc(settings(), tos)
    assert (good.outcome, good.measured, good.reference) == ("pass", 106, 106)
    bad = judge.nccl_ib_tc(settings(env="NCCL_IB_TC=104\n"), tos)
    assert bad.message == "NCCL_IB_TC: 104 != 106 (inventory bringup_fabric.tos)"
    unset = judge.nccl_ib_tc(settings(capture("nccl-conf.out", ("NCCL_IB_TC=106\n", ""))), tos)
    assert unset.message == "NCCL_IB_TC: None != 106 (inventory bringup_fabric.tos)"


def test_nccl_tuning_and_debug_unset():
    forbidden = policy(["NCCL_ALGO", "NCCL_PROTO", "NCCL_MIN_NCHANNELS"], "nccl_forbidden_env")
    debug = policy(["NCCL_DEBUG", "NCCL_DEBUG_SUBSYS", "NCCL_DEBUG_FILE"], "nccl_debug_env")
    healthy = settings()
    assert judge.nccl_tuning_unset("node01", healthy, forbidden).measured == "unset"
    assert judge.nccl_debug_unset("node01", healthy, debug).outcome == "pass"
    algo = settings(capture("nccl-conf.out", ("NCCL_IB_TC=106\n", "NCCL_IB_TC=106\nNCCL_ALGO=Ring\n")))
    bad = judge.nccl_tuning_unset("node01", algo, forbidden)
    assert (bad.outcome, bad.measured) == ("fail", {"NCCL_ALGO": "Ring"})
    assert bad.message == ("NCCL_ALGO=Ring persisted on node01; production jobs must let NCCL tune "
                           "(policy nccl_forbidden_env in bringup/policy.yml)")
    assert judge.nccl_debug_unset("node01", algo, debug).outcome == "pass"  # a tuning override is not debug
    noisy = judge.nccl_debug_unset("node02", settings(env="NCCL_DEBUG=INFO\n"), debug)
    assert noisy.message == ("debug settings persisted on node02: {'NCCL_DEBUG': 'INFO'} "
                             "(policy nccl_debug_env in bringup/policy.yml)")


def test_nccl_gid_index_fits_version():
    auto, legacy = policy("2.21", "nccl_auto_gid_version"), policy(3, "nccl_legacy_gid_index")
    v221 = nccl_version.parse(capture("nccl-version.out"))
    assert v221.version == "2.21.5"
    good = judge.nccl_gid_index(v221, settings(), auto, legacy)
    assert (good.outcome, good.measured, good.reference) == ("pass", "unset", "unset, -1 or 3")
    pinned = judge.nccl_gid_index(v221, settings(env="NCCL_IB_GID_INDEX=0\n"), auto, legacy)
    assert pinned.message == ("NCCL 2.21.5 picks the RoCE v2 GID itself; NCCL_IB_GID_INDEX=0 pins another "
                              "(policy nccl_auto_gid_version in bringup/policy.yml)")
    v218 = nccl_version.parse((FIXTURES / "nccl_version" / "strings_libnccl.txt").read_text())
    old = judge.nccl_gid_index(v218, settings(), auto, legacy)
    assert old.message == ("NCCL 2.18.3 (< 2.21) uses GID index 0 unless told: NCCL_IB_GID_INDEX=unset, expected 3 "
                           "(policy nccl_legacy_gid_index in bringup/policy.yml)")
    assert judge.nccl_gid_index(v218, settings(env="NCCL_IB_GID_INDEX=3\n"), auto, legacy).outcome == "pass"
    # the 2.28 library's own string (`strings libnccl.so` on the lent H100 VM): picks the GID itself
    v228 = nccl_version.parse((FIXTURES / "recorded_h100" / "nccl-strings.out").read_text())
    assert v228.version.startswith("2.28")
    assert judge.nccl_gid_index(v228, settings(), auto, legacy).outcome == "pass"


def _fleet(slow: float | None = None) -> dict[str, float]:
    """Every recorded ib_write_bw run's average Gb/s; ``slow`` replaces node01's rail4 run (rail_bandwidth_low)."""
    runs = {path.stem: perftest.parse(path.read_text()).bandwidth[-1].average_gbps
            for path in sorted((SCENARIO / "bench").glob("perftest-write-bw@*.out"))}
    if slow is not None:
        runs["perftest-write-bw@rail4@node01+node02"] = slow
    return runs


SIGMAS = policy(3, "perftest_outlier_sigma")


def test_rail_bandwidth_not_a_fleet_outlier():
    fleet = _fleet()
    assert len(fleet) == 16
    run = "perftest-write-bw@rail4@node01+node02"
    good = judge.rail_bandwidth_not_outlier(run, fleet[run], list(fleet.values()), SIGMAS)
    assert (good.outcome, good.measured, good.unit) == ("pass", 391.74, "Gb/s")
    assert good.reference == ">= 380.0 (median 391.8 - 3 sigma)"
    slow = _fleet(241.5)
    bad = judge.rail_bandwidth_not_outlier(run, 241.5, list(slow.values()), SIGMAS)
    assert bad.message == ("perftest-write-bw@rail4@node01+node02: 241.5 Gb/s is more than 3 sigma below the fleet "
                           "median 391.7 Gb/s (sigma 3.9, 16 rails; policy perftest_outlier_sigma in "
                           "bringup/policy.yml)")
    # three runs are no fleet: nothing to call an outlier (the suite skips, naming why)
    assert judge.rail_bandwidth_not_outlier(run, 241.5, list(slow.values())[:3], SIGMAS) is None


@pytest.mark.parametrize("key", ["ucx-version", "ompi-version", "nccl-version"])
def test_fleet_versions_are_the_generic_judge(key):
    """The three version checks judge with fleet_identical: the declared version, else the majority."""
    from bringup.checks import fleet_identical
    from bringup.probes import commlibs

    probe = {p.key: p for p in (commlibs.UCX_VERSION, commlibs.OMPI_VERSION, commlibs.NCCL_VERSION)}[key]
    version = probe.parser(capture(f"{key}.out")).version
    values = {"node01": version, "node02": version}
    assert fleet_identical(key, "node02", values, None).outcome == "pass"
    values["node02"] = "0.0.1"
    bad = fleet_identical(key, "node02", values, Expected(version, f"inventory bringup_expect.{key}"))
    assert bad.message == (f"{key}: node02 has '0.0.1', expected {version!r} (inventory bringup_expect.{key}); "
                           f"nodes that differ: node02")


RAIL_DEVICES = [f"mlx5_{i}" for i in range(8)]


def test_nccl_uses_every_rail_over_roce():
    from bringup.parsers import nccl_log

    healthy = nccl_log.parse((FIXTURES / "nccl_log" / "healthy_2node_8rail_2.23.txt").read_text())["node01"]
    good = judge.nccl_uses_every_rail("node01", healthy, RAIL_DEVICES)
    assert (good.outcome, good.measured) == ("pass", " ".join(RAIL_DEVICES))
    partial = nccl_log.parse((FIXTURES / "nccl_log" / "partial_rails_2node_2.21.txt").read_text())["node02"]
    assert judge.nccl_uses_every_rail("node02", partial, RAIL_DEVICES).message == (
        "NCCL on node02 lists mlx5_0, mlx5_1, mlx5_3, mlx5_4, mlx5_5, mlx5_7; the inventory's rails mlx5_2, mlx5_6 "
        "are missing (NCCL_IB_HCA, a port down, or not RoCE)")
    ring = (SCENARIO / "bench" / "nccl-all_reduce-ring@node01+node02.out").read_text()
    used = ("node01:48213:48213 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [2]mlx5_2:1/RoCE "
            "[3]mlx5_3:1/RoCE [4]mlx5_4:1/RoCE [5]mlx5_5:1/RoCE [6]mlx5_6:1/RoCE [7]mlx5_7:1/RoCE [RO]; "
            "OOB enp157s0f0np0:198.19.0.11<0>")
    assert used in ring  # the edit the nccl_socket_fallback fault makes
    socket = ring.replace(used, "node01:48213:48213 [0] NCCL INFO NET/IB : No device found.\nnode01:48213:48213 "
                                "[0] NCCL INFO NET/Socket : Using [0]enp157s0f0np0:198.19.0.11<0>").replace(
        "node01:48213:48213 [0] NCCL INFO Using network IB", "node01:48213:48213 [0] NCCL INFO Using network Socket")
    assert judge.nccl_uses_every_rail("node01", nccl_log.parse(socket)["node01"], RAIL_DEVICES).message == (
        "NCCL on node01 fell back to TCP sockets (networks: Socket; socket devices: enp157s0f0np0): no RDMA for "
        "the job")
