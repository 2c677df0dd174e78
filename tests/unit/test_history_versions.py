"""versions.json from a run's recorded probe outputs (the real captures of tests/scenarios/h100) and the
one-line "what changed" diff."""

from __future__ import annotations

import json

import pytest

from bringup.history import versions
from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, load_fault

H100 = {"driver": "535.161.08", "firmware": "28.42.1000", "nccl": "2.21.5", "mpi": "4.1.5",
        "kernel": "5.15.0-105-generic", "ofed": "24.10-1.1.4"}


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100versions") / "run")


def test_versions_come_from_the_recorded_probes(healthy):
    assert versions.collect(healthy) == {"inventory_digest": None, "nodes": {"node01": H100, "node02": H100}}


def test_a_drifted_node_and_what_changed(healthy, tmp_path):
    import shutil

    run = tmp_path / "drift"
    shutil.copytree(healthy, run)
    for fault in ("nic_firmware_drift", "kernel_drift"):
        apply_fault(run, load_fault(SCENARIOS / "h100" / "faults" / f"{fault}.yml"))
    (run / "meta.json").write_text(json.dumps({"inventory_digest": "abd46f5e544cd399"}))
    path = versions.write(run)
    found = json.loads(path.read_text())
    assert found["nodes"]["node02"]["firmware"] == "28.39.2048/28.42.1000"  # rail5 differs from the other 7
    assert found["nodes"]["node02"]["kernel"] == "5.15.0-91-generic"
    assert versions.diff(versions.collect(healthy), found) == \
        "node02 firmware 28.42.1000 -> 28.39.2048/28.42.1000; node02 kernel 5.15.0-105-generic -> 5.15.0-91-generic"
    assert versions.read(run) == found


def test_no_probes_no_versions(tmp_path):
    (tmp_path / "meta.json").write_text("{broken")
    assert versions.collect(tmp_path) == {"inventory_digest": None, "nodes": {}}
    assert versions.read(tmp_path) == {"inventory_digest": None, "nodes": {}}


def doc(digest="d1", **nodes):
    return {"inventory_digest": digest, "nodes": nodes}


def test_diff_says_fleet_wide_changes_once_then_the_odd_nodes():
    old = doc(node01={"nccl": "2.21.5", "firmware": "28.39.1002"}, node02={"nccl": "2.21.5", "firmware": "28.39.1002"},
              node03={"nccl": "2.21.5", "firmware": "28.39.1002"})
    new = doc(node01={"nccl": "2.23.4", "firmware": "28.39.1002"}, node02={"nccl": "2.23.4", "firmware": "28.39.1002"},
              node03={"nccl": "2.23.4", "firmware": "28.41.1000"})
    assert versions.diff(old, new) == "NCCL 2.21.5 -> 2.23.4 on all nodes; node03 firmware 28.39.1002 -> 28.41.1000"


def test_diff_groups_nodes_and_names_new_gone_and_the_inventory():
    old = doc(node01={"driver": "535.161.08", "mpi": "4.1.5"}, node02={"driver": "535.161.08", "mpi": "4.1.5"},
              node03={"driver": "535.161.08", "mpi": "4.1.5"}, node04={"driver": "535.161.08"})
    new = doc("d2", node01={"driver": "550.54.15", "mpi": "4.1.5"}, node02={"driver": "550.54.15", "mpi": "5.0.3"},
              node03={"driver": "535.161.08", "mpi": "4.1.5"}, node05={"ofed": "24.10-1.1.4"})
    assert versions.diff(old, new) == ("node01, node02 driver 535.161.08 -> 550.54.15; node02 MPI 4.1.5 -> 5.0.3; "
                                       "node05 new; node04 not probed; inventory digest d1 -> d2")


def test_diff_of_identical_runs_or_a_field_not_probed_is_empty():
    same = doc(node01=dict(H100))
    assert versions.diff(same, same) == ""
    assert versions.diff(same, doc(node01={k: v for k, v in H100.items() if k != "ofed"})) == ""
