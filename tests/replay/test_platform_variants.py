"""Design variants and missing tools at layers 2 and 11, on the recorded H100 scenario.

The fault overlays in tests/scenarios/h100/faults/ cover one failure each on the default design; these cases
check what the overlays cannot: the SR-IOV design's stricter expectations, sysfs fallbacks, and the
"<tool> not installed on <node>" failures.
"""

from __future__ import annotations

import shutil

import pytest

from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, replay

SCENARIO_CAPTURES = SCENARIOS / "h100" / "captures"

NOT_FOUND = {"rc": 127, "stdout": ""}


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100-variants") / "run")


def _run(healthy, tmp_path, edits, *extra):
    run = tmp_path / "run"
    shutil.copytree(healthy, run)
    apply_fault(run, {"edits": edits})
    records, proc = replay(run, tmp_path / "reports", *extra)
    return {r["name"]: r for r in records}, proc


def _failed(results):
    return sorted(name for name, r in results.items() if r["outcome"] in ("failed", "error"))


def test_sr_iov_design_needs_sriov_in_nic_firmware(healthy, tmp_path):
    results, proc = _run(healthy, tmp_path, [], "--layers", "2", "--design", "k8s-sriov-roce")
    failed = _failed(results)
    assert failed == sorted(f"test_nic_nv_config[{n}-rail{i}]" for n in ("node01", "node02") for i in range(8)), \
        proc.stdout[-2000:]
    assert "SRIOV_EN=False(0) (expected True(1))" in results["test_nic_nv_config[node01-rail0]"]["message"]
    # intel_iommu=on iommu=pt and a passthrough default domain satisfy the SR-IOV IOMMU variant too
    assert results["test_kernel_cmdline_iommu_mode[node01]"]["outcome"] == "passed"
    assert results["test_iommu_state_matches_design[node01]"]["outcome"] == "passed"


def test_translating_iommu_fails_bare_metal(healthy, tmp_path):
    edits = [{"node": "node01", "key": "cmdline", "replace": ["intel_iommu=on iommu=pt ", "intel_iommu=on "]},
             {"node": "node01", "key": "dmesg-iommu", "replace": [
                 "iommu: Default domain type: Passthrough (set via kernel command line)",
                 "iommu: Default domain type: Translated "]}]
    results, proc = _run(healthy, tmp_path, edits, "--layers", "2")
    assert _failed(results) == ["test_iommu_state_matches_design[node01]", "test_kernel_cmdline_iommu_mode[node01]"], \
        proc.stdout[-2000:]
    assert "default domain Translated" in results["test_iommu_state_matches_design[node01]"]["message"]


def test_without_lspci_the_link_check_falls_back_to_sysfs(healthy, tmp_path):
    edits = [{"node": "node01", "key": "lspci-vvv", "stderr": "sh: 1: lspci: not found\n", **NOT_FOUND}]
    results, proc = _run(healthy, tmp_path, edits, "--layers", "2")
    assert results["test_nic_pcie_link_full_speed[node01-rail0]"]["outcome"] == "passed", proc.stdout[-2000:]
    assert {name.split("[")[0] for name in _failed(results)} == {"test_nic_max_read_request",
                                                                 "test_acs_off_on_gpu_nic_path"}
    assert "lspci not installed on node01" in results["test_nic_max_read_request[node01-rail4]"]["message"]
    assert all(name.startswith("test_") and "[node01-rail" in name for name in _failed(results))


def test_missing_mlxconfig_fails_by_name(healthy, tmp_path):
    edits = [{"node": "node02", "key": "mlxconfig@rail5", "stderr": "sh: 1: mlxconfig: not found\n", **NOT_FOUND}]
    results, _ = _run(healthy, tmp_path, edits, "--layers", "2")
    assert _failed(results) == ["test_nic_nv_config[node02-rail5]"]
    assert "mlxconfig not installed on node02" in results["test_nic_nv_config[node02-rail5]"]["message"]


def test_missing_nvidia_smi_fails_gpu_checks_by_name(healthy, tmp_path):
    edits = [{"node": "node02", "key": key, "stderr": "sh: 1: nvidia-smi: not found\n", **NOT_FOUND}
             for key in ("nvidia-smi-xml", "nvlink")]
    results, _ = _run(healthy, tmp_path, edits, "--layers", "11")
    failed = _failed(results)
    assert failed and all("[node02" in name for name in failed)
    assert "nvidia-smi not installed on node02" in results["test_gpu_persistence_mode[node02-gpu0]"]["message"]
    assert results["test_dcgm_diag_passes[node02]"]["outcome"] == "passed"


def test_truncated_output_errors_with_command_and_line(healthy, tmp_path):
    """A session cut short mid-output must not pass: the check names the command and the offending line."""
    topo = (SCENARIO_CAPTURES / "common" / "topo.out").read_text()
    cut_topo = topo[: topo.index("\nGPU5\t") + 21]  # the session dies inside the GPU5 row
    edits = [{"node": "node01", "key": "topo", "stdout": cut_topo}]
    results, proc = _run(healthy, tmp_path, edits, "--layers", "12")
    failed = _failed(results)
    readers = ("test_gpu_nic_affinity", "test_gpu_and_nic_share_numa_node")  # both read the matrix
    assert failed == sorted(f"{test}[node01-rail{i}]" for test in readers for i in range(8)), proc.stdout[-2000:]
    message = results["test_gpu_nic_affinity[node01-rail0]"]["message"]
    assert "cannot parse the output of `nvidia-smi topo -m`" in message
    assert "line 7 is not a matrix row over 18 devices: 'GPU5" in message


def test_empty_nvlink_status_skips_without_a_declared_link_count(healthy, tmp_path):
    """Driver 580 prints nothing for `nvidia-smi nvlink -s` when no GPU exposes NVLink (recorded on an H100 VM)."""
    results, proc = _run(healthy, tmp_path, [{"node": "node01", "key": "nvlink", "stdout": ""}], "--layers", "11")
    assert _failed(results) == [], proc.stdout[-2000:]
    record = results["test_nvlink_all_links_up[node01-gpu3]"]
    assert record["outcome"] == "skipped" and "reports no NVLink" in record["message"]
    assert results["test_nvlink_all_links_up[node02-gpu3]"]["outcome"] == "passed"
