"""The recording made on real hardware (tests/scenarios/h100_device): a lent H100 VM, probed live by the suites
themselves. Replayed offline, every check must reach the verdict it reached live, and the live verdicts are
the ones a cluster engineer expects of that machine."""

import json

import pytest

from tests.scenario_tools import SCENARIOS, replay

RECORDED = SCENARIOS / "h100_device" / "recorded"


RETIRED = {"test_rail_write_bandwidth_meets_line_rate", "test_rail_write_latency_within_band"}
KERNEL_EVENT_CHECKS = {"test_no_gpu_fallen_off_bus", "test_no_gdr_kernel_path_errors", "test_no_pcie_aer_errors",
                       "test_no_pcie_bandwidth_limited", "test_no_nvswitch_sxid"}


def _verdicts(records):
    return {r["name"]: r["outcome"] for r in records}


@pytest.fixture(scope="module")
def live():
    return [json.loads(line) for line in (RECORDED / "results.jsonl").read_text().splitlines() if line.strip()]


def test_replay_reaches_the_live_verdicts(live, tmp_path):
    records, proc = replay(RECORDED, tmp_path, "--no-gate", "--layers", "1,2,6,11,12,13")
    replayed, recorded = _verdicts(records), _verdicts(live)
    # Rows that became benchmark baselines since the recording (perftest-write-bw/lat, baselines/) are gone.
    recorded = {n: v for n, v in recorded.items() if n.split("[")[0] not in RETIRED}
    assert {name: replayed.get(name) for name in recorded} == recorded, proc.stdout[-3000:]
    # The recording predates the benchmark runs: their items are new, and skip saying the run holds none.
    added = {r["name"]: r for r in records if r["name"] not in recorded}
    # The L11 kernel-log classes beyond Xid (suites/l11_gpu/test_kernel_events.py) came later too: they read the
    # recorded dmesg, which holds none of their events.
    kernel = {n: r for n, r in added.items() if n.split("[")[0] in KERNEL_EVENT_CHECKS}
    assert {n: r["outcome"] for n, r in kernel.items()} == {f"{c}[h100vm]": "passed" for c in KERNEL_EVENT_CHECKS}
    added = {n: r for n, r in added.items() if n not in kernel}
    assert added and all(name.startswith(("test_benchmark_meets_baseline[", "test_localize[")) for name in added)
    assert {r["outcome"] for r in added.values()} == {"skipped"}


def test_live_verdicts_on_the_h100_vm(live):
    verdicts = _verdicts(live)
    failed = sorted(name for name, outcome in verdicts.items() if outcome in ("failed", "error"))
    # The VM lacks pciutils, and its kernel command line has no iommu=pt: both true of that machine.
    assert failed == ["test_gpu_count_matches_profile[h100vm]", "test_kernel_cmdline_iommu_mode[h100vm]"]
    for name in ("test_gpu_model_matches_profile[h100vm]", "test_gpu_power_limit_is_sku_default[h100vm-gpu0]",
                 "test_gpu_no_hw_slowdown[h100vm-gpu0]", "test_gpu_pcie_link_full_speed[h100vm-gpu0]",
                 "test_gdr_kernel_path_present[h100vm]", "test_memlock_unlimited[h100vm]",
                 "test_gpu_bar1_maps_all_memory[h100vm-gpu0]"):
        assert verdicts.get(name) == "passed", (name, verdicts.get(name))
    messages = {r["name"]: r["message"] for r in live}
    assert "lspci not installed on h100vm" in messages["test_gpu_count_matches_profile[h100vm]"]
