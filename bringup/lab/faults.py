"""Fault injection with real kernel knobs and real daemons, and its undo.

Each fault records what ``heal`` needs (the old MTU, the deleted routes, a stopped daemon's command line) in
the lab state, so healing restores exactly what was there, even when the playbooks configured it.

| fault        | target     | what changes                                                          |
|--------------|------------|-----------------------------------------------------------------------|
| link-down    | node rail  | the leaf's port of that cable is shut: the node sees NO-CARRIER       |
| mtu          | node rail  | the node's end drops to MTU 1500 (the leaf stays 9216)                |
| throttle     | node rail  | ``tc tbf`` rate limit on the node's rail netdev (egress)              |
| leaf-throttle| node rail  | ``tc tbf`` on the leaf's port toward the node (the switch side only)  |
| leaf-mtu     | node rail  | the leaf's port of that cable drops to MTU 1500 (the node keeps 9000) |
| flap         | node rail  | the leaf's port goes down and up again and again (a background loop)  |
| cable-swap   | node rail  | that rail's and the next rail's cables are crossed at the leaves      |
| route        | node rail  | the rail's source-policy routing table is flushed                     |
| slow-node    | node       | busy loops in the node's cgroup, pinned with its processes to one CPU |
| slurmd-stop  | node       | slurmd on the node is killed                                          |
| unreachable  | node       | sshd on the node is stopped                                           |

``throttle`` and ``leaf-throttle`` take ``percent``: that much below the lab's line rate (:data:`LINE_RATE_MBIT`,
the tbf every node rail carries from ``up``), e.g. 10 for a rail 10% slow; without it, :data:`THROTTLE_MBIT`.
The two faults that run in the background (``flap``, ``slow-node``) record their process group in the fault;
``heal`` (and ``down``) stop exactly that group.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass
from typing import Callable

from bringup.lab import addressing, cgroups, machines, nodes, state, switches
from bringup.lab.errors import LabError, run
from bringup.lab.state import Fault, LabState

# The lab's "NIC line rate": every node rail's egress carries a tbf at this rate from `up` (a veth has no rate of
# its own: unshaped, iperf3 read 4-17 Gb/s on the 2-core VM, as fast as the CPUs that were free). Measured on
# that VM (benchmarks/lab_rail_variance.py): at 500 Mbit/s four rails at once read 0.490-0.495 Gb/s even with
# three busy loops on the two cores; at 1 Gbit/s the same load gave 0.78-0.97, at 2 Gbit/s 1.74-1.93 for one
# rail. So a rail 10% slow is outside the healthy spread only at 500.
LINE_RATE_MBIT = 500
THROTTLE_MBIT = 50  # the absolute throttle: a tenth of the line rate, far above what the L9 probes need
# tbf needs a bucket of at least one MTU-sized frame (9000 on the rails) and enough for the rate at the
# kernel's timer granularity; 256 KB holds 4 ms of 500 Mbit/s. latency: how long a packet may wait in it.
TBF_BURST = "256kb"
TBF_LATENCY = "20ms"
FAULT_MTU = 1500
FLAP_DOWN_S, FLAP_UP_S = 1, 2  # a down of 1 s in every 3: each 5 s iperf3 run meets at least one
# slow-node: busy loops inside the node's cgroup (bringup/lab/cgroups.py), pinned with the node's processes to one
# CPU, at nice -19: each loop weighs 68590 against a nice-0 process's 1024 (sched_prio_to_weight,
# kernel/sched/core.c), so while 2 run, the node's iperf3 gets 1024 / (2 x 68590 + 1024) = 0.7% of that CPU. It
# needs more: 1.0-1.5% of a core to send at the 500 Mbit/s line rate, 3-5% to receive (iperf3 -J's
# cpu_utilization_percent, TSO/GSO off; benchmarks/lab_slow_node.py on the 2-core VM). Measured there (node02
# with node03, both rails): healthy 0.496-0.497 Gb/s; with the fault node02 sends 0.13-0.24 and receives
# 0.05-0.19, node04 -> node05 0.497. At nice -10 (weight 9548: 5% left to iperf3) it read 0.49; with 4 loops at
# -19 0.15 / 0.08, but an SSH login to the node took 11 s (5-6 s with 2). Inside no cgroup, nice changes nothing:
# each SSH session is an autogroup of its own (kernel.sched_autogroup_enabled), and the old fault, loops outside
# the node's group, read 0.496.
SLOW_CPU = 0
SLOW_LOOPS = 2
SLOW_NICE = -19


@dataclass(frozen=True)
class FaultKind:
    help: str
    per_rail: bool
    inject: Callable[[LabState, Fault], None]
    heal: Callable[[LabState, Fault], None]


def _index(node: str) -> int:
    return int(node.removeprefix("node"))


def _rail_number(rail: str) -> int:
    return int(rail.removeprefix("rail"))


def _in_node(lab: LabState, node: str, argv: list[str], **kw):
    return machines.exec_in(lab.holders[node], node, argv, **kw)


def tbf_argv(dev: str, rate_mbit: float, netns: str | None = None) -> list[str]:
    """``tc qdisc replace ... root tbf``: the lab's line rate, and both throttles."""
    return ["tc", *(["-n", netns] if netns else []), "qdisc", "replace", "dev", dev, "root", "tbf",
            "rate", f"{rate_mbit:g}mbit", "burst", TBF_BURST, "latency", TBF_LATENCY]


def line_rate_argv(node: str, rail: str) -> list[str]:
    """What ``up`` runs for every node rail (from the host, into the node's network namespace)."""
    return tbf_argv(rail, LINE_RATE_MBIT, addressing.netns(node))


def no_offload_argv(rail: str) -> list[str]:
    """What ``up`` runs on every node rail too: no TSO/GSO, so every frame on the "cable" is at most the MTU, as on
    a real wire. A veth otherwise hands 64 KB GSO frames to the bridge, which skips its MTU check for them
    (``is_skb_forwardable``), and a leaf port at MTU 1500 dropped some transfers and let others through."""
    return ["ethtool", "-K", rail, "tso", "off", "gso", "off"]


def throttle_mbit(percent: float | None) -> float:
    """The throttled rate: ``percent`` below the line rate, or the absolute throttle."""
    if percent is None:
        return THROTTLE_MBIT
    if not 0 < percent < 100:
        raise LabError(f"--percent {percent:g}: expected a number between 0 and 100 (how far below the line "
                       f"rate of {LINE_RATE_MBIT} Mbit/s)")
    return round(LINE_RATE_MBIT * (100 - percent) / 100, 3)


def _leaf_port(lab: LabState, fault: Fault) -> tuple[str, str]:
    """(leaf, port) of the node's end of this rail's cable: the switch side."""
    return _leaf_of(lab, fault.node, fault.rail), addressing.switch_port(_index(fault.node))


def _leaf_of(lab: LabState, node: str, rail: str) -> str:
    """The leaf the node's rail is cabled to now (a swapped cable lands on the other leaf)."""
    for fault in lab.faults:
        if fault.fault == "cable-swap" and fault.node == node and rail in (fault.rail, fault.undo["other"]):
            other = fault.undo["other"] if rail == fault.rail else fault.rail
            return addressing.leaf_name(_rail_number(other))
    return addressing.leaf_name(_rail_number(rail))


# ------------------------------------------------------------------ link-down


def _link(lab: LabState, fault: Fault, updown: str) -> None:
    leaf = _leaf_of(lab, fault.node, fault.rail)
    port = addressing.switch_port(_index(fault.node))
    run(["ip", "-n", addressing.netns(leaf), "link", "set", port, updown], what=f"{leaf} port {port}")
    if updown == "up":  # the node hears its leaf again within one LLDP interval
        switches.lldp_update(leaf, lab.holders[leaf])
        time.sleep(switches.LEAF_LLDP_INTERVAL_S + 1)


# ------------------------------------------------------------------ mtu


def _mtu_inject(lab: LabState, fault: Fault) -> None:
    info = json.loads(_in_node(lab, fault.node, ["ip", "-j", "link", "show", fault.rail]).stdout)[0]
    fault.undo["mtu"] = info["mtu"]
    wrong = FAULT_MTU if info["mtu"] != FAULT_MTU else addressing.MTU - 1000
    _in_node(lab, fault.node, ["ip", "link", "set", fault.rail, "mtu", str(wrong)])


def _mtu_heal(lab: LabState, fault: Fault) -> None:
    _in_node(lab, fault.node, ["ip", "link", "set", fault.rail, "mtu", str(fault.undo["mtu"])])


# ------------------------------------------------------------------ throttle


def _throttle_inject(lab: LabState, fault: Fault) -> None:
    _in_node(lab, fault.node, tbf_argv(fault.rail, throttle_mbit(fault.params.get("percent"))))


def _throttle_heal(lab: LabState, fault: Fault) -> None:
    """Back to the line rate (not to no qdisc: the rail's line rate is a tbf too)."""
    _in_node(lab, fault.node, tbf_argv(fault.rail, LINE_RATE_MBIT))


# ------------------------------------------------------------------ leaf side: throttle, MTU, flap


def _leaf_throttle_inject(lab: LabState, fault: Fault) -> None:
    """The switch port's egress toward the node: what the node receives on this rail is shaped, what it sends
    is not (a leaf port's buffer or speed misconfigured, the node's own NIC fine)."""
    leaf, port = _leaf_port(lab, fault)
    run(tbf_argv(port, throttle_mbit(fault.params.get("percent")), addressing.netns(leaf)), what=f"{leaf} {port}")


def _leaf_throttle_heal(lab: LabState, fault: Fault) -> None:
    leaf, port = _leaf_port(lab, fault)
    run(["tc", "-n", addressing.netns(leaf), "qdisc", "del", "dev", port, "root"], what=f"{leaf} {port}",
        check=False)


def _leaf_mtu_inject(lab: LabState, fault: Fault) -> None:
    """The bridge port's MTU: a jumbo frame to or from the node is dropped at the switch (the bridge keeps the
    9216 it was given, so only this port is wrong), and no ICMP says so: a black hole for large frames."""
    leaf, port = _leaf_port(lab, fault)
    info = json.loads(run(["ip", "-n", addressing.netns(leaf), "-j", "link", "show", port], what=leaf).stdout)[0]
    fault.undo["mtu"] = info["mtu"]
    run(["ip", "-n", addressing.netns(leaf), "link", "set", port, "mtu", str(FAULT_MTU)], what=f"{leaf} {port}")


def _leaf_mtu_heal(lab: LabState, fault: Fault) -> None:
    leaf, port = _leaf_port(lab, fault)
    run(["ip", "-n", addressing.netns(leaf), "link", "set", port, "mtu", str(fault.undo["mtu"])],
        what=f"{leaf} {port}")


def flap_argv(netns: str, port: str, down_s: float = FLAP_DOWN_S, up_s: float = FLAP_UP_S) -> list[str]:
    """A loop that takes the port down and up until it is killed; the names reach the script as positional
    arguments, never inside its text."""
    script = 'while :; do ip -n "$1" link set "$2" down; sleep "$3"; ip -n "$1" link set "$2" up; sleep "$4"; done'
    return ["sh", "-c", script, "bringup-lab-flap", netns, port, f"{down_s:g}", f"{up_s:g}"]


def _flap_inject(lab: LabState, fault: Fault) -> None:
    leaf, port = _leaf_port(lab, fault)
    _start_background(fault, flap_argv(addressing.netns(leaf), port))


def _flap_heal(lab: LabState, fault: Fault) -> None:
    _stop_background(fault)
    _link(lab, fault, "up")


# ------------------------------------------------------------------ slow node


def slow_node_argv(holder: int, cpu: int = SLOW_CPU, loops: int = SLOW_LOOPS, nice: int = SLOW_NICE) -> list[str]:
    """Busy loops inside the node's namespaces (its ``ps`` shows them), pinned to one CPU at a high priority."""
    script = 'i=0; while [ "$i" -lt "$1" ]; do (while :; do :; done) & i=$((i + 1)); done; wait'
    return [*machines.enter(holder), "taskset", "-c", str(cpu), "nice", "-n", str(nice),
            "sh", "-c", script, "bringup-lab-slow", str(loops)]


def _netns_pids(node: str) -> list[int]:
    return [int(p) for p in run(["ip", "netns", "pids", addressing.netns(node)], what=node).stdout.split()]


def _node_group(node: str) -> cgroups.Hierarchy:
    """The hierarchy holding the node's cgroup; LabError (why) where the lab has none."""
    reason = cgroups.unavailable()
    hierarchy = cgroups.find()
    if reason or not cgroups.group_dir(hierarchy, node).is_dir():
        raise LabError(f"{node}: slow-node needs the node's cgroup with its CPU budget (bringup/lab/cgroups.py), "
                       + (f"and this host has none: {reason}" if reason else
                          f"and {cgroups.group_dir(hierarchy, node)} is missing; `bringup lab up --force` makes it"))
    return hierarchy


def adopt_node(lab: LabState, node: str) -> None:
    """Every process of the node into its cgroup (a daemon started since ``up`` by ``nsenter``, which lands in
    the caller's group); nothing where the lab has no cgroups."""
    hierarchy = cgroups.find()
    if hierarchy is not None and cgroups.group_dir(hierarchy, node).is_dir():
        cgroups.adopt(hierarchy, node, _netns_pids(node))


def _slow_inject(lab: LabState, fault: Fault) -> None:
    """The node's own processes (sshd, slurmd: what starts its benchmarks) and the loops share the node's cgroup
    and one CPU, so whatever runs on the node competes with the loops for the node's CPU, as on a node whose
    cores a runaway process holds; the other nodes' groups keep their share."""
    hierarchy = _node_group(fault.node)
    cgroups.adopt(hierarchy, fault.node, _netns_pids(fault.node))
    fault.undo["affinity"] = sorted(os.sched_getaffinity(lab.holders[fault.node]))
    for pid in _netns_pids(fault.node):
        run(["taskset", "-a", "-p", "-c", str(SLOW_CPU), str(pid)], what=fault.node, check=False)
    procs = cgroups.group_dir(hierarchy, fault.node) / "cgroup.procs"
    _start_background(fault, cgroups.in_group_argv(procs, slow_node_argv(lab.holders[fault.node])))


def _slow_heal(lab: LabState, fault: Fault) -> None:
    """Loops killed, the node's processes back on every CPU, the node's budget as ``up`` set it."""
    _stop_background(fault)
    cpus = ",".join(str(c) for c in fault.undo["affinity"])
    for pid in _netns_pids(fault.node):
        run(["taskset", "-a", "-p", "-c", cpus, str(pid)], what=fault.node, check=False)
    hierarchy = cgroups.find()
    if hierarchy is not None and cgroups.group_dir(hierarchy, fault.node).is_dir():
        cgroups.set_budget(hierarchy, fault.node, cgroups.NODE_QUOTA_US)


# ------------------------------------------------------------------ background processes (flap, slow-node)


def _start_time(pid: int) -> str | None:
    """Field 22 of /proc/PID/stat: with the PID, names one process for good (a PID alone can be reused)."""
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _start_background(fault: Fault, argv: list[str]) -> None:
    """Start ``argv`` in a session of its own (its process group is its PID) and record it in the fault."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(0.2)
    if proc.poll() is not None:
        raise LabError(f"{fault.node}: `{shlex.join(argv)}` exited {proc.returncode} at once")
    fault.undo["pid"], fault.undo["started"] = proc.pid, _start_time(proc.pid)


def _stop_background(fault: Fault) -> None:
    """Kill the recorded process group, only if its leader is still the process we started."""
    pid = fault.undo.get("pid")
    if pid is None or _start_time(pid) != fault.undo.get("started"):
        return  # already gone (a reboot of the host, `down`): nothing of ours to stop
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 2.5  # a deadline, not a count of sleeps: SIGKILL takes effect asynchronously
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)  # our child when heal runs in the process that injected
        except ChildProcessError:
            pass
        if _start_time(pid) is None:
            return
        time.sleep(0.05)


def stop_background(lab: LabState) -> list[str]:
    """``down``: the background loops of the faults still injected (they live outside the lab's namespaces)."""
    stopped = []
    for fault in lab.faults:
        if "pid" in fault.undo and _start_time(fault.undo["pid"]) == fault.undo.get("started"):
            _stop_background(fault)
            stopped.append(f"stopped the {fault.label()} loop (pid {fault.undo['pid']})")
    return stopped


# ------------------------------------------------------------------ cable-swap


def _cable_swap_inject(lab: LabState, fault: Fault) -> None:
    if lab.rails < 2:
        raise LabError("cable-swap needs a lab with at least 2 rails")
    r = _rail_number(fault.rail)
    fault.undo["other"] = addressing.rail_name(r % lab.rails + 1)
    _swap(lab, fault)


def _swap(lab: LabState, fault: Fault) -> None:
    """Exchange the leaf ends of the two cables: each leaf's swpN moves to the other leaf, keeping its name."""
    port = addressing.switch_port(_index(fault.node))
    leaf_a, leaf_b = _leaf_of(lab, fault.node, fault.rail), _leaf_of(lab, fault.node, fault.undo["other"])
    ns_a, ns_b = addressing.netns(leaf_a), addressing.netns(leaf_b)
    run(["ip", "-n", ns_a, "link", "set", port, "down", "name", "xa" + port, "netns", ns_b], what=f"{leaf_a} {port}")
    run(["ip", "-n", ns_b, "link", "set", port, "down", "name", "xb" + port, "netns", ns_a], what=f"{leaf_b} {port}")
    for ns, leaf, tmp in ((ns_a, leaf_a, "xb" + port), (ns_b, leaf_b, "xa" + port)):
        run(["ip", "-n", ns, "link", "set", tmp, "name", port], what=f"{leaf} {port}")
        switches.attach_port(leaf, port)
    for leaf in (leaf_a, leaf_b):
        switches.lldp_update(leaf, lab.holders[leaf])
    time.sleep(switches.LLDP_SETTLE_S)  # until the node's lldpd has forgotten the neighbour of the old cable


def _cable_swap_heal(lab: LabState, fault: Fault) -> None:
    _swap(lab, fault)  # _leaf_of still sees the fault recorded, so this swaps back


# ------------------------------------------------------------------ route


def _route_inject(lab: LabState, fault: Fault) -> None:
    table = str(addressing.rail_table(_rail_number(fault.rail)))
    shown = _in_node(lab, fault.node, ["ip", "-j", "route", "show", "table", table], check=False)
    routes = json.loads(shown.stdout or "[]") if shown.returncode == 0 else []  # rc 2: no such table yet
    if not routes:
        raise LabError(f"{fault.node}: table {table} of {fault.rail} holds no route to remove; "
                       f"provision first (bringup provision --inventory lab)")
    fault.undo["table"] = table
    fault.undo["routes"] = [_route_argv(r) for r in routes]
    _in_node(lab, fault.node, ["ip", "route", "flush", "table", table])


def _route_argv(route: dict) -> list[str]:
    """`ip -j route` output back into `ip route add` arguments."""
    argv = [route["dst"]]
    for key, word in (("gateway", "via"), ("dev", "dev"), ("prefsrc", "src"), ("protocol", "proto"),
                      ("scope", "scope"), ("metric", "metric")):
        if key in route and not (key == "protocol" and route[key] == "boot"):
            argv += [word, str(route[key])]
    return argv


def _route_heal(lab: LabState, fault: Fault) -> None:
    for argv in fault.undo["routes"]:
        _in_node(lab, fault.node, ["ip", "route", "replace", *argv, "table", fault.undo["table"]])


# ------------------------------------------------------------------ daemons


def _stop_daemon(lab: LabState, fault: Fault, daemon: str) -> None:
    """Kill the node's ``daemon`` (its own PID namespace: only this node's), remembering how it was started."""
    out = _in_node(lab, fault.node, ["sh", "-c", f"for p in $(pgrep -x {daemon}); do "
                                     "tr '\\0' ' ' </proc/$p/cmdline; echo; done"], check=False).stdout
    cmdlines = [line.strip() for line in out.splitlines() if line.strip()]
    if not cmdlines:
        raise LabError(f"{fault.node}: {daemon} is not running, so it cannot be stopped; provision first "
                       f"(bringup provision --inventory lab)")
    fault.undo["argv"] = shlex.split(cmdlines[0])
    _in_node(lab, fault.node, ["pkill", "-x", daemon])
    _in_node(lab, fault.node, ["sh", "-c", f"for i in $(seq 50); do pgrep -x {daemon} >/dev/null || exit 0; "
                                           "sleep 0.1; done; exit 1"])  # rc 1: it did not stop within 5 s


def _start_daemon(lab: LabState, fault: Fault) -> None:
    argv = fault.undo["argv"]
    _in_node(lab, fault.node, ["sh", "-c", shlex.join(argv) + " </dev/null >/dev/null 2>&1 &"])
    adopt_node(lab, fault.node)  # started by nsenter: back into the node's cgroup


def _unreachable_inject(lab: LabState, fault: Fault) -> None:
    nodes.stop_sshd(fault.node, lab.holders[fault.node])


def _unreachable_heal(lab: LabState, fault: Fault) -> None:
    nodes.start_sshd(fault.node, lab.holders[fault.node])
    nodes.wait_sshd(fault.node, _index(fault.node))
    adopt_node(lab, fault.node)  # started by nsenter: back into the node's cgroup


FAULTS: dict[str, FaultKind] = {
    "link-down": FaultKind("leaf port of a rail shut", True, lambda l, f: _link(l, f, "down"),
                           lambda l, f: _link(l, f, "up")),
    "mtu": FaultKind(f"node end of a rail at MTU {FAULT_MTU}", True, _mtu_inject, _mtu_heal),
    "throttle": FaultKind(f"tc tbf on the node's end of a rail ({THROTTLE_MBIT} Mbit/s, or --percent below "
                          f"the line rate)", True, _throttle_inject, _throttle_heal),
    "leaf-throttle": FaultKind("tc tbf on the leaf's port toward the node (--percent as throttle)", True,
                               _leaf_throttle_inject, _leaf_throttle_heal),
    "leaf-mtu": FaultKind(f"the leaf's port of a rail at MTU {FAULT_MTU}", True, _leaf_mtu_inject, _leaf_mtu_heal),
    "flap": FaultKind(f"the leaf's port of a rail down {FLAP_DOWN_S} s in every {FLAP_DOWN_S + FLAP_UP_S}", True,
                      _flap_inject, _flap_heal),
    "cable-swap": FaultKind("a rail's cable crossed with the next rail's", True, _cable_swap_inject, _cable_swap_heal),
    "route": FaultKind("a rail's source-policy route table flushed", True, _route_inject, _route_heal),
    "slow-node": FaultKind(f"{SLOW_LOOPS} busy loops (nice {SLOW_NICE}) in the node's cgroup, pinned with its "
                           f"processes to CPU {SLOW_CPU}", False, _slow_inject, _slow_heal),
    "slurmd-stop": FaultKind("slurmd killed", False, lambda l, f: _stop_daemon(l, f, "slurmd"), _start_daemon),
    "unreachable": FaultKind("sshd stopped", False, _unreachable_inject, _unreachable_heal),
}


def _require_lab() -> LabState:
    lab = state.load()
    if lab is None or not lab.complete:
        raise LabError("no lab is up (bringup lab up)" if lab is None else "the lab is half-built; run "
                       "`bringup lab up --force`")
    return lab


def _rails_of(lab: LabState, fault: Fault) -> set[str]:
    if fault.rail is None:
        return set()
    if fault.fault == "cable-swap":
        other = fault.undo.get("other") or addressing.rail_name(_rail_number(fault.rail) % lab.rails + 1)
        return {fault.rail, other}
    return {fault.rail}


PERCENT_FAULTS = ("throttle", "leaf-throttle")


def inject(kind: str, node: str, rail: str | None = None, percent: float | None = None) -> Fault:
    if kind not in FAULTS:
        raise LabError(f"unknown fault {kind!r}; valid faults: {', '.join(FAULTS)}")
    if percent is not None:
        if kind not in PERCENT_FAULTS:
            raise LabError(f"--percent applies to {' and '.join(PERCENT_FAULTS)}, not to {kind}")
        throttle_mbit(percent)  # refuses a percentage out of range before anything is touched
    lab = _require_lab()
    if node not in lab.node_names:
        raise LabError(f"unknown node {node!r}; valid nodes: {', '.join(lab.node_names)}")
    spec = FAULTS[kind]
    if spec.per_rail:
        rail = rail or lab.rail_names[0]
        if rail not in lab.rail_names:
            raise LabError(f"unknown rail {rail!r}; valid rails: {', '.join(lab.rail_names)}")
    elif rail:
        raise LabError(f"fault {kind} applies to a whole node; drop the rail argument {rail!r}")
    # One fault per rail (a cable-swap holds two) and per node-wide kind: stacked faults on one cable would
    # undo each other (a swapped port comes up again), and heal could not tell which state to restore.
    wanted = _rails_of(lab, Fault(kind, node, rail))
    for active in lab.faults:
        if active.node == node and (active.fault == kind and not spec.per_rail or wanted & _rails_of(lab, active)):
            raise LabError(f"{active.label()} is already injected; `bringup lab heal {node}` first")
    fault = Fault(kind, node, rail, params={} if percent is None else {"percent": percent})
    spec.inject(lab, fault)
    lab.faults.append(fault)
    lab.save()
    return fault


def heal(node: str | None = None) -> list[Fault]:
    """Undo the faults (of one node, or all), newest first."""
    lab = _require_lab()
    if node is not None and node not in lab.node_names:
        raise LabError(f"unknown node {node!r}; valid nodes: {', '.join(lab.node_names)}")
    healed = []
    for fault in reversed(list(lab.faults)):
        if node in (None, fault.node):
            FAULTS[fault.fault].heal(lab, fault)
            lab.faults.remove(fault)
            lab.save()
            healed.append(fault)
    return healed
