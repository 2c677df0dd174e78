"""Fault injection with real kernel knobs and real daemons, and its undo.

Each fault records what ``heal`` needs (the old MTU, the deleted routes, a stopped daemon's command line) in
the lab state, so healing restores exactly what was there, even when the playbooks configured it.

| fault        | target     | what changes                                                          |
|--------------|------------|-----------------------------------------------------------------------|
| link-down    | node rail  | the leaf's port of that cable is shut: the node sees NO-CARRIER       |
| mtu          | node rail  | the node's end drops to MTU 1500 (the leaf stays 9216)                |
| throttle     | node rail  | ``tc tbf`` rate limit on the node's rail netdev (egress)              |
| cable-swap   | node rail  | that rail's and the next rail's cables are crossed at the leaves      |
| route        | node rail  | the rail's source-policy routing table is flushed                     |
| slurmd-stop  | node       | slurmd on the node is killed                                          |
| unreachable  | node       | sshd on the node is stopped                                           |
"""

from __future__ import annotations

import json
import time
import shlex
from dataclasses import dataclass
from typing import Callable

from bringup.lab import addressing, machines, nodes, state, switches
from bringup.lab.errors import LabError, run
from bringup.lab.state import Fault, LabState

THROTTLE_RATE = "50mbit"  # far below any rail's line rate, far above what the probes themselves send
FAULT_MTU = 1500


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
    _in_node(lab, fault.node, ["tc", "qdisc", "replace", "dev", fault.rail, "root", "tbf", "rate", THROTTLE_RATE,
                               "burst", "64kb", "latency", "50ms"])


def _throttle_heal(lab: LabState, fault: Fault) -> None:
    _in_node(lab, fault.node, ["tc", "qdisc", "del", "dev", fault.rail, "root"], check=False)


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


def _unreachable_inject(lab: LabState, fault: Fault) -> None:
    nodes.stop_sshd(fault.node, lab.holders[fault.node])


def _unreachable_heal(lab: LabState, fault: Fault) -> None:
    nodes.start_sshd(fault.node, lab.holders[fault.node])
    nodes.wait_sshd(fault.node, _index(fault.node))


FAULTS: dict[str, FaultKind] = {
    "link-down": FaultKind("leaf port of a rail shut", True, lambda l, f: _link(l, f, "down"),
                           lambda l, f: _link(l, f, "up")),
    "mtu": FaultKind(f"node end of a rail at MTU {FAULT_MTU}", True, _mtu_inject, _mtu_heal),
    "throttle": FaultKind(f"tc tbf {THROTTLE_RATE} on a rail", True, _throttle_inject, _throttle_heal),
    "cable-swap": FaultKind("a rail's cable crossed with the next rail's", True, _cable_swap_inject, _cable_swap_heal),
    "route": FaultKind("a rail's source-policy route table flushed", True, _route_inject, _route_heal),
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


def inject(kind: str, node: str, rail: str | None = None) -> Fault:
    if kind not in FAULTS:
        raise LabError(f"unknown fault {kind!r}; valid faults: {', '.join(FAULTS)}")
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
    fault = Fault(kind, node, rail)
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
