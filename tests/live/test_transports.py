"""Every testinfra backend reaches real sshd nodes and gives the same verdicts; host keys stay checked."""

from __future__ import annotations

import pytest
import yaml

from bringup.probe.paramiko_checked import ssh_options
from tests import sshd_nodes
from tests.scenario_tools import run_suites

pytestmark = pytest.mark.skipif(sshd_nodes.available() is not None, reason=str(sshd_nodes.available()))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("transports")
    nodes = sshd_nodes.SshdNodes(root / "ssh", 2).start()
    yield nodes, nodes.write_inventory(root / "inv")
    nodes.stop()


def verdicts(records):
    return {r["nodeid"]: r["outcome"] for r in records}


def test_ssh_paramiko_and_ansible_backends_agree(cluster, tmp_path):
    _, inv = cluster
    results = {}
    for backend in ("ssh", "paramiko", "ansible"):
        records, proc = run_suites(tmp_path / backend, "--inventory", str(inv), "--transport", backend, "--layers", "1,6")
        assert proc.returncode == 0, proc.stdout[-2000:]
        results[backend] = verdicts(records)
    assert results["ssh"] == results["paramiko"] == results["ansible"]
    assert "passed" in results["ssh"].values()


def test_paramiko_rejects_an_unknown_host_key(cluster, tmp_path):
    nodes, inv = cluster
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    hosts = yaml.safe_load((inv / "hosts.yml").read_text())
    hosts["all"]["hosts"]["node01"]["ansible_ssh_common_args"] = f"-o UserKnownHostsFile={empty}"
    other = tmp_path / "inv"
    other.mkdir()
    (other / "hosts.yml").write_text(yaml.safe_dump(hosts))
    (other / "group_vars").mkdir()
    (other / "group_vars" / "all.yml").write_text((inv / "group_vars" / "all.yml").read_text())
    records, _ = run_suites(tmp_path / "r", "--inventory", str(other), "--transport", "paramiko", "--layers", "1")
    first = [r for r in records if r["node"] == "node01"][0]
    assert first["outcome"] == "error"
    assert f"node01 unreachable: SSHException: Server '[127.0.0.10]:{nodes.port}' not found in known_hosts" in first["message"]


def test_ssh_options_parsing():
    assert ssh_options(("-o", "UserKnownHostsFile=/k", "-oStrictHostKeyChecking=no", "-v")) == {
        "userknownhostsfile": "/k", "stricthostkeychecking": "no"}
