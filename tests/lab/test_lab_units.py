"""The lab's pure parts, without root: addressing, the generated inventory, pair selection, bad input, and the
L14/L15 parsers on outputs in the exact formats the tools print."""

from __future__ import annotations

import ipaddress
import subprocess

import pytest

from bringup.inventory import load_inventory
from bringup.lab import addressing, cli, faults, inventory_gen, lab, nodes, state
from bringup.lab.errors import LabError
from bringup.parsers import ParseError, getent_hosts, hostname_counts, scontrol_node, scontrol_ping, srun_mpi_list, \
    unmunge
from bringup.checks.peers import keep


# ---------------------------------------------------------------- addressing


def test_every_lab_address_is_in_the_benchmarking_range():
    lab_range = ipaddress.IPv4Network("198.18.0.0/15")
    for i in (1, addressing.MAX_NODES):
        assert addressing.node_mgmt_address(i).ip in lab_range
        for r in (1, addressing.MAX_RAILS):
            assert addressing.node_rail_address(i, r).ip in lab_range
    assert str(addressing.node_rail_address(3, 2)) == "198.18.2.13/24"
    assert str(addressing.node_mgmt_address(3)) == "198.18.0.13/24"


@pytest.mark.parametrize("nodes,rails,message", [(0, 2, "--nodes 0"), (201, 2, "--nodes 201"), (4, 9, "--rails 9")])
def test_lab_size_out_of_range_is_refused(nodes, rails, message):
    with pytest.raises(ValueError, match=message):
        addressing.check_size(nodes, rails)


# ---------------------------------------------------------------- the generated inventory


def test_generated_inventory_loads_and_matches_the_lab(tmp_path, monkeypatch):
    monkeypatch.setattr(inventory_gen, "can_raise_memlock", lambda: True)
    inventory_gen.write(3, 2, "D2", tmp_path)
    cluster = load_inventory(str(tmp_path))
    assert cluster.design.slug == "baremetal-slurm-roce"
    assert [n.name for n in cluster.nodes] == ["node01", "node02", "node03"]
    node2 = cluster.node("node02")
    assert node2.profile == "lab" and node2.fabric.mtu == 9000
    assert node2.connection.host == "198.18.0.12" and node2.connection.user == "root"
    assert "StrictHostKeyChecking=yes" in node2.connection.ssh_args
    assert f"UserKnownHostsFile={nodes.KNOWN_HOSTS}" in node2.connection.ssh_args
    assert [(r.name, r.netdev, str(r.address), r.table) for r in node2.rails] == [
        ("rail1", "rail1", "198.18.1.12/24", 101), ("rail2", "rail2", "198.18.2.12/24", 102)]
    assert cluster.cabling_for("node02", "rail2").model_dump() == \
        {"node": "node02", "rail": "rail2", "leaf": "leaf2", "port": "swp2"}
    assert "memlock" not in node2.expect  # the policy (unlimited) applies where the host can raise it
    inventory_gen.remove(tmp_path)
    assert not any(tmp_path.iterdir())


def test_a_host_without_cap_sys_resource_declares_memlock_any(tmp_path, monkeypatch):
    monkeypatch.setattr(inventory_gen, "can_raise_memlock", lambda: False)
    inventory_gen.write(2, 1, "baremetal-mpi-roce", tmp_path)
    cluster = load_inventory(str(tmp_path))
    assert cluster.node("node01").expect["memlock"] == "any"
    assert "bringup_slurm" not in cluster.node("node01").vars  # D4 has no Slurm


# ---------------------------------------------------------------- pairs


def test_pair_selection():
    fleet = ["node01", "node02", "node03"]
    assert [p for p in fleet if keep("all", fleet, "node01", p)] == ["node02", "node03"]
    assert [p for p in fleet if keep("ring", fleet, "node03", p)] == ["node01"]
    assert not keep("ring", ["node01"], "node01", "node01")
    with pytest.raises(ValueError, match="PEERS"):
        keep("star", fleet, "node01", "node02")


# ---------------------------------------------------------------- bad input


def _main(argv, capsys):
    from bringup import cli as top

    rc = top.main(argv)
    return rc, capsys.readouterr()


def test_lab_up_as_non_root_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(state, "LOCK_FILE", state.Path("/tmp/bringup-lab-test.lock"))
    rc, out = _main(["lab", "up"], capsys)
    assert rc == 1 and "needs root" in out.err


def test_unknown_fault_lists_the_valid_ones(capsys, monkeypatch):
    monkeypatch.setattr(state, "LOCK_FILE", state.Path("/tmp/bringup-lab-test.lock"))
    rc, out = _main(["lab", "inject", "meltdown", "node01"], capsys)
    assert rc == 1
    assert "unknown fault 'meltdown'; valid faults: link-down, mtu, throttle, leaf-throttle, leaf-mtu, flap, " \
           "cable-swap, route, slow-node, slurmd-stop, unreachable" in out.err


@pytest.fixture
def fake_lab(monkeypatch):
    recorded = state.LabState(nodes=3, rails=2, design="baremetal-slurm-roce", complete=True)
    monkeypatch.setattr(state, "load", lambda: recorded)
    return recorded


def test_unknown_node_lists_the_valid_ones(fake_lab):
    with pytest.raises(LabError, match="unknown node 'node09'; valid nodes: node01, node02, node03"):
        faults.inject("link-down", "node09", "rail1")


def test_unknown_rail_lists_the_valid_ones(fake_lab):
    with pytest.raises(LabError, match="unknown rail 'rail7'; valid rails: rail1, rail2"):
        faults.inject("mtu", "node01", "rail7")


def test_a_node_fault_takes_no_rail(fake_lab):
    with pytest.raises(LabError, match="applies to a whole node"):
        faults.inject("unreachable", "node01", "rail1")


def test_stacked_faults_on_one_rail_are_refused(fake_lab):
    fake_lab.faults.append(state.Fault("cable-swap", "node01", "rail1", {"other": "rail2"}))
    with pytest.raises(LabError, match="cable-swap on node01 rail1 is already injected"):
        faults.inject("mtu", "node01", "rail2")


def test_inject_without_a_lab_says_so(monkeypatch):
    monkeypatch.setattr(state, "load", lambda: None)
    with pytest.raises(LabError, match="no lab is up"):
        faults.inject("mtu", "node01", "rail1")


def test_a_daemon_that_fails_to_start_names_its_log(monkeypatch):
    failed = subprocess.CompletedProcess([], 1, "", "/etc/ssh/sshd_config line 3: Bad configuration option\n")
    monkeypatch.setattr(nodes.machines, "exec_in", lambda *a, **k: failed)
    with pytest.raises(LabError) as err:
        nodes.start_sshd("node02", 4242)
    assert "node02: sshd failed to start" in str(err.value)
    assert str(nodes.sshd_log("node02")) in str(err.value)
    assert "Bad configuration option" in str(err.value)


# ---------------------------------------------------------------- parsers (layers.md L14/L15 outputs)


def test_scontrol_ping():
    assert scontrol_ping.parse("Slurmctld(primary) at node01 is UP\nSlurmctld(backup) at node02 is DOWN\n") == {
        "primary": {"host": "node01", "state": "UP"}, "backup": {"host": "node02", "state": "DOWN"}}
    with pytest.raises(ParseError):
        scontrol_ping.parse("slurm_load_ctl_conf error: Unable to contact slurm controller\n")


def test_scontrol_node_with_a_reason_containing_spaces():
    record = scontrol_node.parse(
        "NodeName=node02 Arch=x86_64 CPUTot=2 State=IDLE+DRAIN ThreadsPerCore=1 OS=Linux 6.1.0-18-amd64 #1 SMP "
        "Partitions=lab Reason=Not responding [slurm@2026-11-27T03:40:11] ExtSensorsTemp=n/s\n")
    assert record["State"] == "IDLE+DRAIN"
    assert record["OS"] == "Linux 6.1.0-18-amd64 #1 SMP"
    assert record["Reason"] == "Not responding [slurm@2026-11-27T03:40:11]"
    assert scontrol_node.state_flags(record["State"]) == ("IDLE", {"DRAIN"})
    assert scontrol_node.state_flags("DOWN*") == ("DOWN", {"NOT_RESPONDING"})


def test_unmunge_success_and_foreign_key():
    ok = unmunge.parse("STATUS:           Success (0)\nENCODE_HOST:      node02 (198.18.0.12)\nTTL:              300\n")
    assert ok["status_code"] == 0 and ok["ENCODE_HOST"] == "node02 (198.18.0.12)"
    bad = unmunge.parse("STATUS:           Invalid credential (15)\n")
    assert (bad["status_text"], bad["status_code"]) == ("Invalid credential", 15)
    with pytest.raises(ParseError, match="STATUS"):
        unmunge.parse("unmunge: Error: Unable to connect to socket\n")


def test_getent_hosts():
    assert getent_hosts.parse("198.18.0.11     node01\n198.18.0.12     node02 node02.lab\n") == {
        "node01": "198.18.0.11", "node02": "198.18.0.12", "node02.lab": "198.18.0.12"}
    with pytest.raises(ParseError):
        getent_hosts.parse("node01 198.18.0.11\n")


def test_srun_mpi_list_old_and_new_layouts():
    old = "MPI plugin types are...\n\tnone\n\tcray_shasta\n\tpmi2\n\tpmix\nspecific pmix plugin versions available: pmix_v4\n"
    assert srun_mpi_list.parse(old) == ["none", "cray_shasta", "pmi2", "pmix", "pmix_v4"]
    new = "srun: MPI types are...\nsrun: none\nsrun: pmi2\nsrun: pmix\nsrun: pmix_v5\n"
    assert srun_mpi_list.parse(new) == ["none", "pmi2", "pmix", "pmix_v5"]
    with pytest.raises(ParseError):
        srun_mpi_list.parse("srun: fatal: Could not establish a configuration source\n")


def test_hostname_counts():
    assert hostname_counts.parse("      1 node01\n      1 node02\n") == {"node01": 1, "node02": 1}
    with pytest.raises(ParseError):
        hostname_counts.parse("")


def test_lab_cli_registers_every_fault():
    import argparse

    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["lab", "inject", "throttle", "node01", "rail2"])
    assert (args.fault, args.node, args.rail) == ("throttle", "node01", "rail2")
    assert set(faults.FAULTS) >= {"link-down", "mtu", "throttle", "cable-swap", "slurmd-stop", "unreachable", "route"}
