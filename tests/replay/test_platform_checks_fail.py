"""Every L2/L11/L12/L13 check fails for its own reason on the recorded H100 scenario.

The six fault overlays of issue 5 each fail one check on the default fleet; the checks they do not reach get
their failing case here. One replay per layer carries several edits, each aimed at a different check and
item, and the exact set of failures (with the reason in the message) is asserted.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, replay

CAPTURES = SCENARIOS / "h100" / "captures"


def capture(key: str, node: str = "common") -> str:
    mine = CAPTURES / node / f"{key}.out"
    return (mine if mine.exists() else CAPTURES / "common" / f"{key}.out").read_text()


def after(text: str, anchor: str, old: str, new: str) -> str:
    """Replace the first ``old`` that follows ``anchor``: one item in a long, repetitive output."""
    start = text.index(anchor)
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old):]


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100-checks") / "run")


def _failures(healthy, tmp_path, layer, edits, expect=None):
    run = tmp_path / "run"
    shutil.copytree(healthy, run)
    if expect:  # declared fleet values, as an operator would put them in group_vars
        path = run / "inventory" / "group_vars" / "all.yml"
        data = yaml.safe_load(path.read_text())
        data["bringup_expect"].update(expect)
        path.write_text(yaml.safe_dump(data, sort_keys=False))
    apply_fault(run, {"edits": edits})
    records, proc = replay(run, tmp_path / "reports", "--layers", str(layer))
    return {r["name"]: r["message"] for r in records if r["outcome"] in ("failed", "error")}, proc


def test_layer2_gpu_link_and_max_read_request(healthy, tmp_path):
    lspci = after(capture("lspci-vvv"), "0000:ab:00.0 Ethernet controller", "MaxReadReq 4096 bytes",
                  "MaxReadReq 512 bytes")
    edits = [
        {"node": "node02", "key": "gpu-pcie", "replace": ["3, 00000000:5E:00.0, 5, 16, 16", "3, 00000000:5E:00.0, 4, 16, 16"]},
        {"node": "node02", "key": "lspci-vvv", "stdout": lspci},
        {"node": "node01", "key": "bios", "replace": ["bios_version:2.1", "bios_version:1.8"]},
    ]
    failed, proc = _failures(healthy, tmp_path, 2, edits, {"bios_version": "2.1"})
    assert sorted(failed) == ["test_bios_identical_fleet_wide[node01]", "test_gpu_pcie_link_full_speed[node02-gpu3]",
                              "test_nic_max_read_request[node02-rail5]"], proc.stdout[-2000:]
    assert "node01 has '1.8', expected '2.1' (inventory bringup_expect.bios_version)" in \
        failed["test_bios_identical_fleet_wide[node01]"]
    assert "the slot allows only Gen4" in failed["test_gpu_pcie_link_full_speed[node02-gpu3]"]
    assert "512 bytes != 4096 bytes" in failed["test_nic_max_read_request[node02-rail5]"]


def test_layer11_gpu_stack(healthy, tmp_path):
    xml1 = after(capture("nvidia-smi-xml", "node01"), '<gpu id="00000000:2B:00.0">', "<state>Completed</state>",
                 "<state>In Progress</state>")
    xml2 = capture("nvidia-smi-xml", "node02").replace("<driver_version>535.161.08<", "<driver_version>535.183.01<")
    xml2 = after(xml2, '<gpu id="00000000:9B:00.0">', "<remapped_row_pending>No<", "<remapped_row_pending>Yes<")
    xml2 = after(xml2, '<gpu id="00000000:DC:00.0">', "<persistence_mode>Enabled<", "<persistence_mode>Disabled<")
    nvlink = after(capture("nvlink", "node01"), "GPU 6:", "Link 11: 26.562 GB/s", "Link 11: <inactive>")
    dcgm = capture("dcgmi-diag")
    head, _, tail = dcgm.rpartition('"status" : "Pass"')
    edits = [
        {"node": "node01", "key": "nvidia-smi-xml", "stdout": xml1},
        {"node": "node02", "key": "nvidia-smi-xml", "stdout": xml2},
        {"node": "node01", "key": "nvlink", "stdout": nvlink},
        {"node": "node02", "key": "fabricmanager", "stdout": "inactive\n", "rc": 3},
        {"node": "node01", "key": "dcgmi-diag", "stdout": head + '"status" : "Fail"' + tail, "rc": 226},
    ]
    failed, proc = _failures(healthy, tmp_path, 11, edits, {"gpu_driver": "535.161.08"})
    assert sorted(failed) == sorted([
        "test_gpu_driver_identical_fleet_wide[node02]", "test_nvswitch_fabric_completed[node01-gpu1]",
        "test_fabric_manager_active[node02]", "test_nvlink_all_links_up[node01-gpu6]",
        "test_gpu_memory_health[node02-gpu4]", "test_gpu_persistence_mode[node02-gpu7]",
        "test_dcgm_diag_passes[node01]"]), proc.stdout[-2000:]
    assert "'535.183.01', expected '535.161.08' (inventory bringup_expect.gpu_driver)" in \
        failed["test_gpu_driver_identical_fleet_wide[node02]"]
    assert "State In Progress" in failed["test_nvswitch_fabric_completed[node01-gpu1]"]
    assert "inactive != active" in failed["test_fabric_manager_active[node02]"]
    assert "NVLink 11 inactive" in failed["test_nvlink_all_links_up[node01-gpu6]"]
    assert "row remapping pending" in failed["test_gpu_memory_health[node02-gpu4]"]
    assert "Disabled != Enabled" in failed["test_gpu_persistence_mode[node02-gpu7]"]
    assert "Deployment/Inforom Fail" in failed["test_dcgm_diag_passes[node01]"]


def test_layer12_gdr_level_override_and_numa(healthy, tmp_path):
    edits = [{"node": "node02", "key": "gdr-nccl-settings", "replace": ["NCCL_IB_TC=106\n", "NCCL_IB_TC=106\nNCCL_NET_GDR_LEVEL=PHB\n"]},
             {"node": "node01", "key": "nic-numa@rail1", "stdout": "1\n"}]
    failed, proc = _failures(healthy, tmp_path, 12, edits)
    assert sorted(failed) == ["test_gpu_and_nic_share_numa_node[node01-rail1]",
                              "test_nccl_gdr_level_not_overridden[node02]"], proc.stdout[-2000:]
    assert "GPU1 is on NUMA node 0 but rail1 NIC mlx5_1 on NUMA node 1" in \
        failed["test_gpu_and_nic_share_numa_node[node01-rail1]"]
    assert "NCCL_NET_GDR_LEVEL=PHB set on node02" in failed["test_nccl_gdr_level_not_overridden[node02]"]


def test_layer13_comm_libs(healthy, tmp_path):
    ucx = after(capture("ucx-devices"), "# Memory domain: mlx5_4", "Transport: rc_mlx5", "Transport: rc_verbs")
    edits = [
        {"node": "node02", "key": "nccl-version", "stdout": "NCCL version 2.19.3+cuda12.2\n"},
        {"node": "node02", "key": "ucx-version", "replace": ["Library version: 1.16.0", "Library version: 1.15.0"]},
        {"node": "node02", "key": "ompi-version", "replace": ["Open MPI v4.1.5", "Open MPI v4.1.6"]},
        {"node": "node01", "key": "ompi-info", "replace": [
            "                    MCA pml: ucx (MCA v2.1.0, API v2.0.0, Component v4.1.5)\n", ""]},
        {"node": "node01", "key": "ucx-devices", "stdout": ucx},
        {"node": "node02", "key": "nccl-conf", "replace": ["mlx5_5,mlx5_6,mlx5_7", "mlx5_5,mlx5_7"]},
        {"node": "node01", "key": "nccl-env", "stdout": "NCCL_IB_TC=104\n"},
        {"node": "node02", "key": "nccl-env", "stdout": "NCCL_DEBUG=INFO\n"},
    ]
    declared = {"nccl_version": "2.21.5", "ucx_version": "1.16.0", "ompi_version": "4.1.5"}
    failed, proc = _failures(healthy, tmp_path, 13, edits, declared)
    assert sorted(failed) == sorted([
        "test_nccl_version_identical_fleet_wide[node02]", "test_ucx_version_identical_fleet_wide[node02]",
        "test_openmpi_version_identical_fleet_wide[node02]", "test_openmpi_has_required_components[node01]",
        "test_ucx_transports_on_rail[node01-rail4]", "test_nccl_ib_hca_covers_rail[node02-rail6]",
        "test_nccl_ib_tc_matches_fabric[node01]", "test_nccl_debug_not_persisted[node02]",
        "test_nccl_gid_index_fits_version[node02]"]), proc.stdout[-2000:]
    assert "'2.19.3', expected '2.21.5'" in failed["test_nccl_version_identical_fleet_wide[node02]"]
    assert "lacks pml:ucx" in failed["test_openmpi_has_required_components[node01]"]
    assert "missing ['rc_mlx5']" in failed["test_ucx_transports_on_rail[node01-rail4]"]
    assert "does not select rail6 device mlx5_6" in failed["test_nccl_ib_hca_covers_rail[node02-rail6]"]
    assert "NCCL_IB_TC: 104 != 106" in failed["test_nccl_ib_tc_matches_fabric[node01]"]
    assert "{'NCCL_DEBUG': 'INFO'}" in failed["test_nccl_debug_not_persisted[node02]"]
    # NCCL 2.19 does not pick the RoCE v2 GID by itself, and node02's nccl.conf leaves the index unset
    assert "NCCL_IB_GID_INDEX=unset, expected 3" in failed["test_nccl_gid_index_fits_version[node02]"]
