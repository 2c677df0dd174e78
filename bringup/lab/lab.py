"""``up``, ``down`` and ``status``: the lab's life cycle, in terms of machines, switches and nodes."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bringup.designs import get_design
from bringup.lab import addressing, cgroups, faults, inventory_gen, machines, nodes, packages, state, switches
from bringup.lab.errors import LabError, run
from bringup.lab.state import STATE_DIR, LabState


def require_root() -> None:
    if os.geteuid() != 0:
        raise LabError("the lab needs root (network, mount and PID namespaces, veth, sshd): run it with sudo")


def _probe_namespaces() -> None:
    """Fail early and clearly where namespaces are not allowed (an unprivileged container, a locked sysctl)."""
    proc = run(["unshare", "--net", "--mount", "--uts", "--pid", "--fork", "true"], check=False)
    if proc.returncode != 0:
        raise LabError(f"cannot create namespaces on this host (`unshare --net --mount --uts --pid true`: "
                       f"{proc.stderr.strip() or proc.returncode}); the lab needs a privileged host or VM")


def _parallel(fn, items, workers: int = 8) -> list:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


def up(nodes_count: int = 4, rails: int = 2, design: str = "baremetal-slurm-roce", force: bool = False,
       install: bool = True, log=print) -> LabState:
    require_root()
    addressing.check_size(nodes_count, rails)
    design = get_design(design).slug
    existing = state.load()
    if existing is not None or machines.leftover_netns():
        if not force:
            what = (f"{existing.nodes} nodes x {existing.rails} rails, {existing.design}"
                    + ("" if existing.complete else ", half-built")) if existing else "leftover namespaces"
            raise LabError(f"a lab is already up ({what}); `bringup lab up --force` rebuilds it, "
                           f"`bringup lab down` removes it")
        log("bringup lab: --force: removing the lab that is up")
        down(log=log)
    # The lab's tools and every package the design's roles will ask for on a node (nodes have no mirror).
    installed = packages.ensure(install, design=design,
                                inventory=inventory_gen.group_vars(design, inventory_gen.can_raise_memlock()))
    if installed:
        log(f"bringup lab: installed {' '.join(installed)}")
    _probe_namespaces()

    started = time.time()
    lab = LabState(nodes=nodes_count, rails=rails, design=design)
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    lab.save()  # before anything is made: `down` after a crash starts from here
    try:
        _build(lab)
    except LabError as exc:
        raise LabError(f"{exc}\n(the half-built lab stays for inspection; `bringup lab down` removes it, "
                       f"`bringup lab up --force` rebuilds it)") from None
    log(f"bringup lab: {nodes_count} nodes x {rails} rails ({design}) up in {time.time() - started:.1f} s; "
        f"inventory {lab.inventory}; CPU budget: {lab.cpu_budget}")
    return lab


def _build(lab: LabState) -> None:
    nodes_count, rails, design = lab.nodes, lab.rails, lab.design
    node_names = lab.node_names
    leaf_names = [addressing.leaf_name(r) for r in range(1, rails + 1)]
    switch_names = [addressing.MGMT_SWITCH] + leaf_names

    for name in node_names + switch_names:
        machines.prepare(name)
    nodes.prepare_files(nodes_count, rails)
    for leaf in leaf_names:
        switches.prepare_leaf_files(leaf)

    for name in switch_names + node_names:
        lab.holders[name] = machines.create(name)
        lab.save()
    for switch in switch_names:
        switches.make_bridge(switch)
    switches.host_uplink()
    for i, name in enumerate(node_names, start=1):
        switches.cable(name, addressing.NODE_MGMT_IF, addressing.MGMT_SWITCH, addressing.mgmt_port(i))
        _node_ip(name, ["addr", "add", str(addressing.node_mgmt_address(i)), "dev", addressing.NODE_MGMT_IF])
        _node_ip(name, ["link", "set", addressing.NODE_MGMT_IF, "up"])
        for r in range(1, rails + 1):
            # A bare NIC, as a fresh node has it: link up, no address, default MTU. Addresses, MTU 9000
            # and the rail's source route are the playbooks' (rail_network role), as on a real node.
            switches.cable(name, addressing.rail_netdev(r), addressing.leaf_name(r), addressing.switch_port(i))
            _node_ip(name, ["link", "set", addressing.rail_netdev(r), "up"])
            # The rail's "NIC line rate" (faults.LINE_RATE_MBIT): a veth alone runs as fast as the free CPU.
            run(faults.line_rate_argv(name, addressing.rail_netdev(r)), what=f"{name}: line rate")
            machines.exec_in(lab.holders[name], name, faults.no_offload_argv(addressing.rail_netdev(r)))

    _parallel(lambda leaf: switches.start_lldpd(leaf, lab.holders[leaf]), leaf_names)
    for name in node_names:
        nodes.start_sshd(name, lab.holders[name])
    _parallel(lambda item: nodes.wait_sshd(item[1], item[0]), list(enumerate(node_names, start=1)))
    _node_groups(lab)

    lab.inventory = str(inventory_gen.write(nodes_count, rails, design))
    lab.complete = True
    lab.save()


def _node_groups(lab: LabState) -> None:
    """A cgroup with a CPU budget per node, holding its init and sshd (so all that SSH starts on the node):
    bringup/lab/cgroups.py. A host where none can be made keeps a lab without budgets; the state says why."""
    try:
        hierarchy = cgroups.create(lab.node_names)
    except LabError as exc:
        lab.cpu_budget = f"none: {exc}"
        return
    for name in lab.node_names:
        faults.adopt_node(lab, name)
    lab.cpu_budget = f"{cgroups.NODE_QUOTA_US / cgroups.PERIOD_US:g} CPU per node ({cgroups.group_dir(hierarchy)})"


def _node_ip(name: str, args: list[str]) -> None:
    run(["ip", "-n", addressing.netns(name)] + args, what=name)


def down(log=print) -> list[str]:
    """Remove everything the lab made. Safe to run twice, with nothing up, or after a crash."""
    require_root()
    lab = None
    try:
        lab = state.load()
    except LabError as exc:
        log(f"bringup lab: {exc}")
    holders = dict(lab.holders) if lab else {}
    notes: list[str] = faults.stop_background(lab) if lab else []  # a flap loop lives in the host's namespaces
    names = set(holders) | set(machines.leftover_netns())
    if STATE_DIR.joinpath("machines").is_dir():
        names |= {p.name for p in STATE_DIR.joinpath("machines").iterdir()}
    for name in sorted(names):
        notes += machines.destroy(name, holders.get(name))
    notes += cgroups.remove()
    if switches.remove_host_uplink():
        notes.append(f"removed {addressing.HOST_VETH}")
    inventory_gen.remove()
    if STATE_DIR.exists():
        _remove_tree(STATE_DIR)
        notes.append(f"removed {STATE_DIR}")
    if not notes:
        notes.append("no lab was up; nothing to remove")
    for note in notes:
        log(f"bringup lab: {note}")
    return notes


def _remove_tree(path: Path) -> None:
    """rm -rf that first makes sure no overlay of ours is still mounted there (it cannot be: the mounts
    live only in the machines' mount namespaces, which died with their holders)."""
    for _ in range(3):
        try:
            shutil.rmtree(path)
            return
        except OSError:
            time.sleep(0.2)
    subprocess.run(["rm", "-rf", "--one-file-system", str(path)], check=False)


def status() -> dict:
    """What is up: nodes (holder alive, sshd), switches (lldpd), faults. Reads only."""
    lab = state.load()
    if lab is None:
        leftovers = machines.leftover_netns()
        return {"up": False, "leftovers": leftovers}
    result: dict = {"up": True, "complete": lab.complete, "design": lab.design, "nodes": {}, "switches": {},
                    "faults": [f.label() for f in lab.faults], "inventory": lab.inventory,
                    "cpu_budget": lab.cpu_budget}
    for i, name in enumerate(lab.node_names, start=1):
        pid = lab.holders.get(name)
        alive = machines.alive(pid, name)
        daemons = _daemons(name, pid) if alive else {}
        result["nodes"][name] = {"alive": alive, "address": str(addressing.node_mgmt_address(i).ip), **daemons}
    for name in [addressing.MGMT_SWITCH] + [addressing.leaf_name(r) for r in range(1, lab.rails + 1)]:
        pid = lab.holders.get(name)
        alive = machines.alive(pid, name)
        entry = {"alive": alive}
        if alive and name != addressing.MGMT_SWITCH:
            entry.update(_daemons(name, pid, ("lldpd",)))
        result["switches"][name] = entry
    return result


_DAEMONS = ("sshd", "munged", "slurmctld", "slurmd", "lldpd")


def _daemons(name: str, pid: int, which: tuple[str, ...] = _DAEMONS) -> dict[str, bool]:
    """Which daemons run in the machine (its own PID namespace, so `ps` sees only its processes)."""
    out = machines.exec_in(pid, name, ["ps", "-e", "-o", "comm="], check=False).stdout.split()
    return {d: d in out for d in which}
