"""Every L14/L15 check the recorded H100 scenario (D2, Slurm) runs fails for its own reason, end to end through
the suites: one replay carries an edit per check and node, and the exact set of failures, with the reason in
each message, is asserted. The lab fault matrix (tests/lab/test_lab_faults.py) shows the same checks failing
on real daemons; the pure judges are unit-tested in tests/unit/checks/test_l14_runtime.py and test_l15_scheduler.py.
"""

from __future__ import annotations

import yaml

from tests.scenario_tools import apply_fault, build_healthy, replay

SRUN_MPI_WITHOUT_PMIX = "MPI plugin types are...\n\tnone\n\tcray_shasta\n\tpmi2\n"


def test_layers_14_and_15_fail_for_their_own_reasons(tmp_path):
    run = build_healthy("h100", tmp_path / "run")
    group_vars = run / "inventory" / "group_vars" / "all.yml"
    data = yaml.safe_load(group_vars.read_text())
    data["bringup_expect"]["slurm_mpi"] = "pmix"
    group_vars.write_text(yaml.safe_dump(data, sort_keys=False))
    edits = [
        {"node": "node01", "key": "hostname", "stdout": "gpu-a17\n"},
        {"node": "node02", "key": "scontrol-ping", "rc": 1, "stdout": "Slurmctld(primary) at slurm-head01 is DOWN\n"},
        # slurmd stopped on node01: scontrol cannot reach it, and the launch probe does not launch (a skip)
        {"node": "node01", "key": "slurmd", "rc": 1, "stdout": "",
         "stderr": "slurm_load_slurmd_status: Connection refused\n"},
        {"node": "node01", "key": "srun-launch", "rc": 3, "stdout": "",
         "stderr": "slurmd does not answer on this node\n"},
        {"node": "node02", "key": "node-state", "replace": [" State=IDLE ", " State=IDLE+DRAIN "]},
        {"node": "node02", "key": "munge-local", "rc": 15, "replace": ["Success (0)", "Expired credential (15)"]},
        {"node": "node01", "key": "srun-mpi-list", "stdout": SRUN_MPI_WITHOUT_PMIX},
        {"node": "node02", "key": "srun-launch", "rc": 1, "stdout": "",
         "stderr": "srun: error: Unable to allocate resources: Requested node configuration is not available\n"},
    ]
    apply_fault(run, {"edits": edits})
    records, proc = replay(run, tmp_path / "reports", "--layers", "14,15", "--no-gate")
    failed = {r["name"]: r["message"] for r in records if r["outcome"] in ("failed", "error")}
    assert sorted(failed) == sorted([
        "test_hostname_matches_inventory[node01]", "test_slurmctld_answers[node02]", "test_slurmd_answers[node01]",
        "test_node_state_idle_or_mixed_without_drain[node02]", "test_munge_decodes_locally[node02]",
        "test_srun_offers_declared_mpi_plugin[node01]", "test_srun_launches_on_node[node02]"]), proc.stdout[-3000:]
    assert "hostname on node01 is 'gpu-a17', the inventory calls it 'node01'" in \
        failed["test_hostname_matches_inventory[node01]"]
    assert "primary slurmctld {'host': 'slurm-head01', 'state': 'DOWN'}" in failed["test_slurmctld_answers[node02]"]
    assert "slurm_load_slurmd_status: Connection refused" in failed["test_slurmd_answers[node01]"]
    assert "Slurm node node02 is IDLE+DRAIN" in failed["test_node_state_idle_or_mixed_without_drain[node02]"]
    assert "munge -n | unmunge on node02: Expired credential (15)" in failed["test_munge_decodes_locally[node02]"]
    assert "offers none, cray_shasta, pmi2; pmix (inventory bringup_expect.slurm_mpi)" in \
        failed["test_srun_offers_declared_mpi_plugin[node01]"]
    assert "exited 1: srun: error: Unable to allocate resources" in failed["test_srun_launches_on_node[node02]"]
    outcomes = {r["name"]: r["outcome"] for r in records}
    assert outcomes["test_srun_launches_on_node[node01]"] == "skipped"
    assert outcomes["test_every_node_name_resolves[node01]"] == "passed"
