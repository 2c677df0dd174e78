"""L1 BMC health and L6 TuneD variants on the recorded H100 scenario: what the one-fault overlays cannot show
(a node declared without a BMC, a missing tool with and without a declared expectation, the SEL baseline)."""

from __future__ import annotations

import shutil

import pytest
import yaml

from tests.scenario_tools import apply_fault, build_healthy, replay

NOT_FOUND = {"rc": 127, "stdout": ""}
SEL_1_TO_5 = "".join(f"   {i} | 11/27/2026 | 0{i}:00:00 | Memory P1-DIMMB1 | Correctable ECC | Asserted\n"
                     for i in range(1, 6))


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100-host") / "run")


def _run(healthy, tmp_path, edits, hardware=None, expect=None):
    run = tmp_path / "run"
    shutil.copytree(healthy, run)
    group_vars = run / "inventory" / "group_vars" / "all.yml"
    data = yaml.safe_load(group_vars.read_text())
    data["bringup_hardware"].update(hardware or {})
    data["bringup_expect"].update(expect or {})
    group_vars.write_text(yaml.safe_dump(data, sort_keys=False))
    apply_fault(run, {"edits": edits})
    records, proc = replay(run, tmp_path / "reports", "--layers", "1,6")
    return {r["name"]: r for r in records}, proc


def _failed(results):
    return sorted(name for name, r in results.items() if r["outcome"] in ("failed", "error"))


def test_missing_ipmitool_fails_and_tuned_is_optional_unless_declared(healthy, tmp_path):
    edits = [{"node": "node01", "key": key, "stderr": "sh: 1: ipmitool: not found\n", **NOT_FOUND}
             for key in ("ipmi-sdr", "ipmi-sel")]
    edits.append({"node": "node02", "key": "tuned", "stderr": "sh: 1: tuned-adm: not found\n", **NOT_FOUND})
    results, proc = _run(healthy, tmp_path, edits)
    assert _failed(results) == ["test_bmc_no_critical_sensors[node01]", "test_bmc_sel_no_new_entries[node01]"], \
        proc.stdout[-2000:]
    assert results["test_bmc_sel_no_new_entries[node01]"]["message"].startswith("ipmitool not installed on node01")
    tuned = results["test_tuned_profile_matches_policy[node02]"]
    assert (tuned["outcome"], tuned["message"]) == (
        "skipped", "tuned-adm not installed on node02 and the inventory names no TuneD profile")


def test_node_without_bmc_skips_and_a_declared_profile_needs_tuned(healthy, tmp_path):
    edits = [{"node": "node01", "key": "tuned", "stderr": "sh: 1: tuned-adm: not found\n", **NOT_FOUND},
             {"node": "node02", "key": "tuned", "rc": 0, "stdout": (
                 "It seems that tuned daemon is not running, preset profile is not activated.\n"
                 "Preset profile: throughput-performance\n")}]
    results, proc = _run(healthy, tmp_path, edits, hardware={"bmc": False},
                         expect={"tuned_profile": "throughput-performance"})
    for node in ("node01", "node02"):
        for test in ("test_bmc_no_critical_sensors", "test_bmc_sel_no_new_entries"):
            record = results[f"{test}[{node}]"]
            assert (record["outcome"], record["message"]) == ("skipped", f"inventory declares no BMC for {node}")
    assert _failed(results) == ["test_tuned_profile_matches_policy[node01]",
                                "test_tuned_profile_matches_policy[node02]"], proc.stdout[-2000:]
    assert results["test_tuned_profile_matches_policy[node01]"]["message"].startswith(
        "tuned-adm not installed on node01 (inventory bringup_expect.tuned_profile is throughput-performance)")
    assert results["test_tuned_profile_matches_policy[node02]"]["message"].startswith(
        "tuned is not running on node02: preset profile throughput-performance is not applied")


def test_sel_records_after_the_declared_baseline_fail(healthy, tmp_path):
    device = "Could not open device at /dev/ipmi0 or /dev/ipmi/0 or /dev/ipmidev/0: No such file or directory\n"
    edits = [{"node": n, "key": "ipmi-sel", "stdout": SEL_1_TO_5} for n in ("node01", "node02")]
    edits.append({"node": "node02", "key": "ipmi-sdr", "rc": 1, "stdout": "", "stderr": device})
    results, proc = _run(healthy, tmp_path, edits, hardware={"bmc": True},
                         expect={"bmc_sel_baseline_id": {"node01": "3", "node02": "5"}})
    assert _failed(results) == ["test_bmc_no_critical_sensors[node02]", "test_bmc_sel_no_new_entries[node01]"], \
        proc.stdout[-2000:]
    message = results["test_bmc_sel_no_new_entries[node01]"]["message"]
    assert message.startswith("2 new SEL record(s) on node01 (baseline record 3 (inventory bringup_expect."
                              "bmc_sel_baseline_id)): #4 11/27/2026 04:00:00 Memory P1-DIMMB1: Correctable ECC")
    assert "#3 " not in message
    # bmc: true, so no hint about declaring a node without one
    assert results["test_bmc_no_critical_sensors[node02]"]["message"] == (
        "no IPMI device on node02: `ipmitool sdr elist`: Could not open device at /dev/ipmi0 or /dev/ipmi/0 or "
        "/dev/ipmidev/0: No such file or directory")


def test_a_baseline_that_left_the_sel_counts_every_record(healthy, tmp_path):
    edits = [{"node": "node01", "key": "ipmi-sel", "stdout": SEL_1_TO_5},
             {"node": "node02", "key": "tuned", "rc": 1, "stdout": "No current active profile.\n"}]
    results, proc = _run(healthy, tmp_path, edits, expect={"bmc_sel_baseline_id": 0x40})
    # (node01's failure at L1 blocks its L6, so the TuneD case runs on node02)
    assert _failed(results) == ["test_bmc_sel_no_new_entries[node01]", "test_tuned_profile_matches_policy[node02]"], \
        proc.stdout[-2000:]
    assert "5 new SEL record(s) on node01 (baseline record 40 (inventory bringup_expect.bmc_sel_baseline_id), " \
           "which is no longer in the SEL (cleared or wrapped since?))" in \
           results["test_bmc_sel_no_new_entries[node01]"]["message"]
    assert results["test_tuned_profile_matches_policy[node02]"]["message"].startswith(
        "no TuneD profile active on node02; expected one of ['throughput-performance'")
