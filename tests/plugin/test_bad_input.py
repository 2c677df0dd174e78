"""Bad input gets a clear error that names the place, and loses nothing.

Inventory problems stop the run before any node is touched (pytest exit 4, usage error). Node problems
(unreachable, auth, unknown host key) error that node's checks and let every other node finish.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bringup.rundir import read_results
from tests import sshd_nodes
from tests.scenario_tools import ROOT, latest_run, run_suites

LOCAL = ROOT / "inventories" / "local"
needs_sshd = pytest.mark.skipif(sshd_nodes.available() is not None, reason=str(sshd_nodes.available()))


def suites(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "suites/", "-q", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def inventory(tmp_path) -> Path:
    target = tmp_path / "inv"
    shutil.copytree(LOCAL, target)
    return target


def write_vars(inv: Path, text: str) -> None:
    (inv / "group_vars" / "all.yml").write_text(text)


def usage_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 4, proc.stdout + proc.stderr
    return proc.stderr


def test_missing_inventory_path():
    err = usage_error(suites("--inventory", "/nonexistent/inv", "--reports-dir", "/tmp/bringup-none"))
    assert "inventory '/nonexistent/inv' not found" in err and "named inventories: " in err


def test_yaml_syntax_error_shows_file_and_line(inventory):
    write_vars(inventory, "bringup_design: baremetal-mpi-roce\nbringup_hardware: {gpus: 0\n")
    err = usage_error(suites("--inventory", str(inventory)))
    assert f"{inventory}/group_vars/all.yml:3:1: YAML syntax error" in err


def test_unknown_design_lists_the_valid_ones(inventory):
    write_vars(inventory, "bringup_design: baremetal-pbs-roce\n")
    err = usage_error(suites("--inventory", str(inventory)))
    assert "group_vars/all.yml (group all): bringup_design: unknown design 'baremetal-pbs-roce'" in err
    assert "baremetal-slurm-roce (D2)" in err


@pytest.mark.parametrize("fabric, message", [
    ({"pfc_priority": 9}, "bringup_fabric.pfc_priority: Input should be less than or equal to 7 (got 9)"),
    ({"mtu": 100}, "bringup_fabric.mtu: Input should be greater than or equal to 576 (got 100)"),
    ({"trust": "dcsp"}, "bringup_fabric.trust: Input should be 'dscp' or 'pcp' (got 'dcsp')"),
])
def test_schema_violation_names_file_key_and_expectation(inventory, fabric, message):
    write_vars(inventory, yaml.safe_dump({"bringup_design": "D4", "bringup_fabric": fabric}))
    err = usage_error(suites("--inventory", str(inventory)))
    assert f"{inventory}/group_vars/all.yml (group all): {message}" in err


def test_schema_error_in_host_vars_names_the_host_file(inventory):
    (inventory / "host_vars").mkdir()
    (inventory / "host_vars" / "localhost.yml").write_text("bringup_rails:\n  - {name: rail0, netdev: eth0, address: 300.1.1.1/24}\n")
    err = usage_error(suites("--inventory", str(inventory)))
    assert f"{inventory}/host_vars/localhost.yml (host localhost): bringup_rails.0.address" in err


def test_unknown_variable_is_rejected(inventory):
    write_vars(inventory, "bringup_design: D4\nbringup_fabrik: {mtu: 9000}\n")
    assert "unknown variable 'bringup_fabrik'" in usage_error(suites("--inventory", str(inventory)))


def test_hostile_netdev_with_whitespace_is_rejected_before_any_probe(inventory, tmp_path):
    write_vars(inventory, yaml.safe_dump({"bringup_design": "D4", "bringup_rails": [
        {"name": "rail0", "netdev": "eth0; touch /tmp/pwned"}]}))
    err = usage_error(suites("--inventory", str(inventory)))
    assert "bringup_rails.0.netdev: a Linux interface name" in err


def test_cabling_plan_with_unknown_rail(inventory):
    write_vars(inventory, yaml.safe_dump({"bringup_design": "D4", "bringup_cabling_plan": "cabling.csv",
                                          "bringup_rails": [{"name": "rail0", "netdev": "eth0"}]}))
    (inventory / "cabling.csv").write_text("node,rail,leaf,port\nlocalhost,rail0,leaf1,swp1\nlocalhost,rail9,leaf2,swp1\n")
    err = usage_error(suites("--inventory", str(inventory)))
    assert f"{inventory}/cabling.csv:3: node localhost has no rail 'rail9' (its rails: rail0)" in err


# ---------------------------------------------------------------- nodes that misbehave (real sshd)


@pytest.fixture
def ssh_cluster(tmp_path):
    nodes = sshd_nodes.SshdNodes(tmp_path / "ssh", 3).start()
    yield nodes
    nodes.stop()


@needs_sshd
def test_unreachable_node_errors_and_the_others_complete(ssh_cluster, tmp_path):
    inv = ssh_cluster.write_inventory(tmp_path / "inv")
    ssh_cluster.stop("node03")
    records, proc = run_suites(tmp_path / "reports", "--inventory", str(inv), "--layers", "1,6")
    node3 = [r for r in records if r["node"] == "node03"]
    assert node3[0]["outcome"] == "error"
    assert f"node03 unreachable: ssh: connect to host 127.0.0.12 port {ssh_cluster.port}: Connection refused" in node3[0]["message"]
    assert "blocked" in {r["outcome"] for r in node3}  # L6 is blocked by the L1 error
    assert {r["outcome"] for r in node3} <= {"error", "blocked", "skipped"}  # skipped: rows the inventory lacks
    others = [r for r in records if r["node"] != "node03"]
    assert others and {r["outcome"] for r in others} <= {"passed", "skipped"}


@needs_sshd
def test_ssh_auth_failure_is_named(ssh_cluster, tmp_path):
    wrong = tmp_path / "wrong_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(wrong)], check=True)
    inv = ssh_cluster.write_inventory(tmp_path / "inv")
    (inv / "host_vars").mkdir()
    (inv / "host_vars" / "node02.yml").write_text(f"ansible_ssh_private_key_file: {wrong}\n")
    records, _ = run_suites(tmp_path / "reports", "--inventory", str(inv), "--layers", "1")
    node2 = [r for r in records if r["node"] == "node02"]
    assert node2 and all(r["outcome"] == "error" for r in node2 if r["outcome"] != "skipped")
    assert "node02 unreachable: root@127.0.0.11: Permission denied (publickey)." in node2[0]["message"]
    assert all(r["outcome"] in ("passed", "skipped") for r in records if r["node"] != "node02")


@needs_sshd
def test_host_key_checking_stays_on(ssh_cluster, tmp_path):
    inv = ssh_cluster.write_inventory(tmp_path / "inv")
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    hosts = yaml.safe_load((inv / "hosts.yml").read_text())
    hosts["all"]["hosts"]["node01"]["ansible_ssh_common_args"] = f"-o UserKnownHostsFile={empty}"
    (inv / "hosts.yml").write_text(yaml.safe_dump(hosts))
    records, _ = run_suites(tmp_path / "reports", "--inventory", str(inv), "--layers", "1")
    node1 = [r for r in records if r["node"] == "node01"]
    assert node1[0]["outcome"] == "error" and "Host key verification failed." in node1[0]["message"]


@needs_sshd
@pytest.mark.parametrize("signum, exit_code", [(signal.SIGKILL, -9), (signal.SIGINT, 2)])
def test_a_killed_run_keeps_every_finished_result(ssh_cluster, tmp_path, signum, exit_code):
    """node03's login shell hangs for 4 s per session, so the run is mid-way through L6 when it is killed."""
    config = ssh_cluster.root / "node03" / "sshd_config"
    config.write_text(config.read_text() + "ForceCommand sleep 4\n")
    ssh_cluster.stop("node03")
    ssh_cluster.procs["node03"] = subprocess.Popen([sshd_nodes.SSHD, "-D", "-e", "-f", str(config)])
    ssh_cluster._wait(ssh_cluster.address(2))
    inv = ssh_cluster.write_inventory(tmp_path / "inv")
    reports = tmp_path / "reports"
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "suites/", "--inventory", str(inv), "--no-gate", "--layers", "1,6",
                             "--reports-dir", str(reports), "-q"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline, last, steady_since = time.time() + 60, -1, time.time()
    while time.time() < deadline:  # until L1 is recorded for every node and L6's hung session has begun
        runs = [p for p in reports.glob("2*") if (p / "results.jsonl").exists()]
        done = len([r for r in read_results(runs[0]) if r["layer"] == 1]) if runs else 0
        if done != last:
            last, steady_since = done, time.time()
        elif done and time.time() - steady_since > 1.0:
            break
        time.sleep(0.1)
    os.kill(proc.pid, signum)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == exit_code, out
    run = latest_run(reports)
    records = list(read_results(run))
    level1 = [r for r in records if r["layer"] == 1]
    assert len(level1) == last and {r["node"] for r in level1} == {"node01", "node02", "node03"}
    assert [r for r in records if r["node"] == "node03"][0]["message"].startswith("node03 probe session failed")
    assert (run / "probes" / "node01" / "l01.json").exists()
    assert not list((run / "probes" / "node01").glob(".tmp-*"))
    from bringup.cli import main

    assert main(["report", str(run)]) == 0  # junit rebuilt from what survived
    assert (run / "junit.xml").read_text().count("<testcase") == len(records)
