"""bringup.lab.faults without root: the exact commands each fault and its heal run, the line rate ``up`` puts on
every rail, the percentage throttle, and the background loops (flap, slow-node) recorded and stopped by PID.

Commands are captured by replacing the one function that runs them (``bringup.lab.errors.run`` as the faults
module and the machines module see it); nothing here touches the host's network."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bringup.lab import addressing, cgroups, cli, faults, machines, state
from bringup.lab.errors import LabError

HOLDER = 4242  # the node's namespace holder pid, as the lab state records it


@pytest.fixture
def lab(monkeypatch):
    recorded = state.LabState(nodes=3, rails=2, design="baremetal-slurm-roce", complete=True,
                              holders={"node01": 4241, "node02": HOLDER, "node03": 4243, "leaf1": 4301,
                                       "leaf2": 4302})
    monkeypatch.setattr(state, "load", lambda: recorded)
    monkeypatch.setattr(state.LabState, "save", lambda self: None)
    return recorded


@pytest.fixture
def ran(monkeypatch):
    """Every argv the faults run, in order; ``ip -j link show`` answers MTU 9216 (a leaf port) or 9000."""
    calls: list[list[str]] = []

    def fake_run(argv, **kw):
        calls.append(list(argv))
        out = ""
        if "-j" in argv and "show" in argv:
            out = '[{"ifname": "x", "mtu": %d}]' % (9216 if "bringup-leaf1" in argv else 9000)
        if argv[:3] == ["ip", "netns", "pids"]:
            out = "5001\n5002\n"
        return subprocess.CompletedProcess(argv, 0, out, "")

    monkeypatch.setattr(faults, "run", fake_run)
    monkeypatch.setattr(machines, "run", fake_run)
    monkeypatch.setattr(faults.time, "sleep", lambda s: None)
    monkeypatch.setattr(faults.switches, "lldp_update", lambda *a: None)
    return calls


NODE02 = machines.enter(HOLDER)


def test_up_puts_the_line_rate_on_every_node_rail():
    assert faults.line_rate_argv("node02", "rail2") == [
        "tc", "-n", "bringup-node02", "qdisc", "replace", "dev", "rail2", "root", "tbf", "rate", "500mbit",
        "burst", "256kb", "latency", "20ms"]


def test_up_turns_segmentation_offload_off_on_every_rail():
    assert faults.no_offload_argv("rail1") == ["ethtool", "-K", "rail1", "tso", "off", "gso", "off"]


@pytest.mark.parametrize("percent,mbit", [(None, 50), (10, 450), (50, 250), (2.5, 487.5)])
def test_throttle_rate(percent, mbit):
    assert faults.throttle_mbit(percent) == mbit


@pytest.mark.parametrize("percent", [0, 100, -5, 120])
def test_throttle_percent_out_of_range_is_refused(percent):
    with pytest.raises(LabError, match=rf"--percent {percent:g}: expected a number between 0 and 100"):
        faults.throttle_mbit(percent)


def test_percent_throttle_on_the_node_and_heal_back_to_line_rate(lab, ran):
    fault = faults.inject("throttle", "node02", "rail2", percent=10)
    assert fault.label() == "throttle on node02 rail2 (10% below line rate)"
    assert ran == [NODE02 + ["tc", "qdisc", "replace", "dev", "rail2", "root", "tbf", "rate", "450mbit",
                             "burst", "256kb", "latency", "20ms"]]
    ran.clear()
    faults.heal("node02")
    assert ran == [NODE02 + ["tc", "qdisc", "replace", "dev", "rail2", "root", "tbf", "rate", "500mbit",
                             "burst", "256kb", "latency", "20ms"]]
    assert lab.faults == []


def test_absolute_throttle_keeps_its_rate(lab, ran):
    faults.inject("throttle", "node02", "rail1")
    assert ran[0][len(NODE02):] == ["tc", "qdisc", "replace", "dev", "rail1", "root", "tbf", "rate", "50mbit",
                                    "burst", "256kb", "latency", "20ms"]


def test_leaf_throttle_shapes_the_switch_port_toward_the_node_only(lab, ran):
    fault = faults.inject("leaf-throttle", "node02", "rail1", percent=10)
    assert ran == [["tc", "-n", "bringup-leaf1", "qdisc", "replace", "dev", "swp2", "root", "tbf", "rate", "450mbit",
                    "burst", "256kb", "latency", "20ms"]]
    assert not any(a[:len(NODE02)] == NODE02 for a in ran)  # nothing on the node itself
    assert fault.params == {"percent": 10}
    ran.clear()
    faults.heal()
    assert ran == [["tc", "-n", "bringup-leaf1", "qdisc", "del", "dev", "swp2", "root"]]


def test_leaf_throttle_follows_a_swapped_cable(lab, ran):
    lab.faults.append(state.Fault("cable-swap", "node03", "rail1", {"other": "rail2"}))
    faults.inject("leaf-throttle", "node02", "rail2")  # node02's cables are where they were
    assert ran[0][:6] == ["tc", "-n", "bringup-leaf2", "qdisc", "replace", "dev"] and ran[0][6] == "swp2"


def test_leaf_mtu_drops_the_bridge_port_and_heal_restores_it(lab, ran):
    fault = faults.inject("leaf-mtu", "node02", "rail1")
    assert ran == [["ip", "-n", "bringup-leaf1", "-j", "link", "show", "swp2"],
                   ["ip", "-n", "bringup-leaf1", "link", "set", "swp2", "mtu", "1500"]]
    assert fault.undo == {"mtu": 9216}
    ran.clear()
    faults.heal("node02")
    assert ran == [["ip", "-n", "bringup-leaf1", "link", "set", "swp2", "mtu", "9216"]]


def test_percent_applies_to_throttles_only(lab, ran):
    with pytest.raises(LabError, match="--percent applies to throttle and leaf-throttle, not to leaf-mtu"):
        faults.inject("leaf-mtu", "node02", "rail1", percent=10)
    with pytest.raises(LabError, match="--percent 100: expected"):
        faults.inject("throttle", "node02", "rail1", percent=100)
    assert ran == [] and lab.faults == []


def test_flap_loop_argv_passes_names_as_arguments():
    argv = faults.flap_argv("bringup-leaf1", "swp2")
    assert argv[:2] == ["sh", "-c"] and argv[3:] == ["bringup-lab-flap", "bringup-leaf1", "swp2", "1", "2"]
    assert "swp2" not in argv[2] and "leaf" not in argv[2]  # the script refers to $1..$4 only


def test_flap_loop_really_toggles_the_port(tmp_path):
    """The loop's script run for real, with a stand-in `ip` on PATH that logs its arguments."""
    log = tmp_path / "ip.log"
    (tmp_path / "ip").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {log}\n')
    (tmp_path / "ip").chmod(0o755)
    argv = faults.flap_argv("bringup-leaf1", "swp2", 0.05, 0.05)
    proc = subprocess.Popen(argv, env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"})
    try:
        for _ in range(100):
            if log.exists() and len(log.read_text().splitlines()) >= 4:
                break
            subprocess.run(["sleep", "0.05"])
    finally:
        proc.kill()
        proc.wait()
    assert log.read_text().splitlines()[:4] == ["-n bringup-leaf1 link set swp2 down",
                                                "-n bringup-leaf1 link set swp2 up"] * 2


def test_flap_starts_one_loop_records_it_and_heal_stops_it(lab, ran, monkeypatch):
    started, popen = [], subprocess.Popen

    def fake_popen(argv, **kw):
        started.append((argv, kw.get("start_new_session")))
        return popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)

    monkeypatch.setattr(faults.subprocess, "Popen", fake_popen)
    fault = faults.inject("flap", "node02", "rail2")
    assert started == [(faults.flap_argv("bringup-leaf2", "swp2"), True)]
    pid = fault.undo["pid"]
    assert fault.undo["started"] == faults._start_time(pid) is not None
    faults.heal("node02")
    assert faults._start_time(pid) is None  # the loop is gone
    assert ran[-1] == ["ip", "-n", "bringup-leaf2", "link", "set", "swp2", "up"]  # and the port is left up


def test_heal_never_kills_a_reused_pid(monkeypatch):
    """A recorded loop whose PID now belongs to another process (other start time) is left alone."""
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        fault = state.Fault("flap", "node02", "rail1", {"pid": other.pid, "started": "1"})
        faults._stop_background(fault)
        assert other.poll() is None
        assert faults.stop_background(state.LabState(3, 2, "d", faults=[fault])) == []
    finally:
        other.kill()
        other.wait()


def test_slow_node_argv_runs_pinned_loops_inside_the_node():
    assert faults.slow_node_argv(HOLDER) == NODE02 + [
        "taskset", "-c", "0", "nice", "-n", "-19", "sh", "-c",
        'i=0; while [ "$i" -lt "$1" ]; do (while :; do :; done) & i=$((i + 1)); done; wait', "bringup-lab-slow", "2"]


@pytest.fixture
def groups(tmp_path, monkeypatch):
    """A cgroup v2 hierarchy in a temporary folder with the lab's groups made: what ``up`` leaves."""
    hierarchy = cgroups.Hierarchy(2, tmp_path)
    monkeypatch.setattr(cgroups, "find", lambda: hierarchy)
    monkeypatch.setattr(cgroups, "unavailable", lambda: None)
    for node in ("node01", "node02", "node03"):
        cgroups.group_dir(hierarchy, node).mkdir(parents=True)
        (cgroups.group_dir(hierarchy, node) / "cgroup.procs").write_text("")
    return hierarchy


def test_slow_node_starts_its_loops_in_the_node_group_with_its_processes(lab, ran, groups, monkeypatch):
    started, adopted = [], []
    monkeypatch.setattr(faults.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(faults, "_start_background", lambda fault, argv: (started.append(argv),
                                                                          fault.undo.update(pid=1, started="x")))
    monkeypatch.setattr(faults, "_stop_background", lambda fault: ran.append(["stopped", str(fault.undo["pid"])]))
    monkeypatch.setattr(cgroups, "adopt", lambda h, node, pids: adopted.append((node, pids)))
    (groups.mount / "bringup-lab" / "node02" / "cpu.max").write_text("50000 100000")  # someone changed it
    fault = faults.inject("slow-node", "node02")
    assert adopted == [("node02", [5001, 5002])]
    procs = str(groups.mount / "bringup-lab" / "node02" / "cgroup.procs")
    assert started == [["sh", "-c", 'echo $$ > "$0" && exec "$@"', procs, *faults.slow_node_argv(HOLDER)]]
    assert ran == [["ip", "netns", "pids", "bringup-node02"], ["ip", "netns", "pids", "bringup-node02"],
                   ["taskset", "-a", "-p", "-c", "0", "5001"], ["taskset", "-a", "-p", "-c", "0", "5002"]]
    assert fault.undo["affinity"] == [0, 1]
    ran.clear()
    faults.heal()
    assert ran == [["stopped", "1"], ["ip", "netns", "pids", "bringup-node02"],
                   ["taskset", "-a", "-p", "-c", "0,1", "5001"], ["taskset", "-a", "-p", "-c", "0,1", "5002"]]
    assert (groups.mount / "bringup-lab" / "node02" / "cpu.max").read_text() == "150000 100000"  # up's budget


def test_slow_node_without_cgroups_says_why_and_changes_nothing(lab, ran, monkeypatch):
    monkeypatch.setattr(cgroups, "unavailable", lambda: "/sys/fs/cgroup is not writable (a read-only cgroup "
                                                        "filesystem: a container without cgroupns?)")
    monkeypatch.setattr(cgroups, "find", lambda: cgroups.Hierarchy(2, cgroups.Path("/sys/fs/cgroup")))
    with pytest.raises(LabError) as err:
        faults.inject("slow-node", "node02")
    assert str(err.value) == (
        "node02: slow-node needs the node's cgroup with its CPU budget (bringup/lab/cgroups.py), and this host has "
        "none: /sys/fs/cgroup is not writable (a read-only cgroup filesystem: a container without cgroupns?)")
    assert ran == [] and lab.faults == []


def test_slow_node_on_a_lab_built_without_groups_says_how_to_get_them(lab, ran, tmp_path, monkeypatch):
    monkeypatch.setattr(cgroups, "unavailable", lambda: None)
    monkeypatch.setattr(cgroups, "find", lambda: cgroups.Hierarchy(2, tmp_path))
    with pytest.raises(LabError, match=f"and {tmp_path}/bringup-lab/node02 is missing; `bringup lab up --force` "
                                       "makes it$"):
        faults.inject("slow-node", "node02")
    assert ran == []


def test_cli_takes_percent():
    import argparse

    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["lab", "inject", "throttle", "node02", "rail2", "--percent", "10"])
    assert (args.fault, args.node, args.rail, args.percent) == ("throttle", "node02", "rail2", 10.0)
    assert {"leaf-throttle", "leaf-mtu", "flap", "slow-node"} <= set(faults.FAULTS)
    assert addressing.switch_port(2) == "swp2"
