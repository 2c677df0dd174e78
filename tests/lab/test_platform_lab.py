"""On a lab-like node (rails on veth, no GPUs, no RDMA NICs) layers 2, 11, 12 and 13 only pass or skip, and
each skip names what the inventory declares; Open MPI is the one subject the lab really has."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bringup.rundir import read_results

ROOT = Path(__file__).resolve().parents[2]

GROUP_VARS = """\
bringup_design: baremetal-slurm-roce
bringup_profile: lab
bringup_hardware: {gpus: 0, nics: 0}
bringup_fabric: {mtu: 9000}
bringup_rails:
  - {name: rail1, netdev: lo, address: 198.18.1.1/24, table: 101}
"""


def test_lab_node_passes_or_skips_with_inventory_reasons(tmp_path):
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "hosts.yml").write_text("all:\n  hosts:\n    lab01: {ansible_connection: local}\n")
    (inventory / "group_vars" / "all.yml").write_text(GROUP_VARS)
    reports = tmp_path / "reports"
    proc = subprocess.run([sys.executable, "-m", "pytest", "suites/l02_firmware", "suites/l11_gpu", "suites/l12_gdr",
                           "suites/l13_comm_libs", "--inventory", str(inventory), "--reports-dir", str(reports),
                           "-q", "-p", "no:randomly"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    run = next(p for p in reports.iterdir() if p.is_dir() and p.name != "latest")
    records = {r["name"]: r for r in read_results(run)}
    bad = {name: r["message"] for name, r in records.items() if r["outcome"] not in ("passed", "skipped")}
    if shutil.which("ompi_info"):
        assert not bad, proc.stdout[-2000:]
        assert records["test_openmpi_version_identical_fleet_wide[lab01]"]["outcome"] == "passed"
    else:  # the lab provisions Open MPI; a machine without it fails that one check, by name
        assert list(bad) == ["test_openmpi_version_identical_fleet_wide[lab01]"], proc.stdout[-2000:]
        assert "ompi_info not installed on lab01" in bad["test_openmpi_version_identical_fleet_wide[lab01]"]
    reasons = {r["message"] for r in records.values() if r["outcome"] == "skipped"}
    assert "inventory declares no GPUs for lab01" in reasons
    assert "inventory declares no GPUs and no RDMA NICs for lab01: no GPUDirect/SR-IOV path" in reasons
    assert "inventory declares no PCI address for lab01 rail1" in reasons
