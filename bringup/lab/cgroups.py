"""A lab node as a container: one cgroup per node with a CPU budget, holding every process of the node.

A container runtime gives each container a cgroup and a CPU quota (``docker run --cpus``, a pod's CPU limit);
a lab node gets the same: ``/sys/fs/cgroup/bringup-lab/nodeNN`` with ``cpu.max`` (cgroup v2; on a host whose
cpu controller is still on the legacy hierarchy, ``cpu.cfs_quota_us`` in ``/sys/fs/cgroup/cpu``). ``up`` moves
the node's init and sshd into it, so everything that reaches the node over SSH (slurmd, the benchmarks, mpirun's
daemons) lands there too. Why it matters (measured on the 2-core development VM):

* a busy loop in a node's cgroup competes with that node's benchmark for that node's budget, as a runaway
  process competes with a job on a real node, and cannot take the CPU of the other nodes (each group gets a
  fair share of the cores, whatever runs inside it);
* nice works inside a group. Without one, the kernel's autogroup (``kernel.sched_autogroup_enabled=1`` on
  Debian) puts every session (each SSH login, the fault's own) in a task group of its own, and the nice -10 of
  the old slow-node fault had no effect on the iperf3 of the node: it still read 0.496 Gb/s.

The kernel's interface: Documentation/admin-guide/cgroup-v2.rst ("cpu.max": "$MAX $PERIOD", "max" for no
limit; a controller is enabled for the children by writing "+cpu" to the parent's cgroup.subtree_control) and,
for the legacy hierarchy, Documentation/scheduler/sched-bwc.rst (cpu.cfs_quota_us, -1 for no limit).

Where no cgroup can be written (a container without its own cgroup namespace, a read-only /sys/fs/cgroup), the
lab still comes up, without budgets, and the one fault that needs them (``slow-node``) says why it cannot run.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from bringup.lab.errors import LabError

GROUP = "bringup-lab"
# The kernel's default CFS period (sched-bwc.rst: 100 ms); the quota is per period.
PERIOD_US = 100_000
# A node's CPU budget: one and a half cores, the most a lab node may take from the host whatever runs on it (2
# cores on the development VM and in CI, shared with the controller and the other nodes). It carries a healthy
# node's load many times over: iperf3 at the 500 Mbit/s line rate with TSO/GSO off takes 1.0-1.5% of a core to
# send and 3-5% to receive (iperf3 -J's cpu_utilization_percent, benchmarks/lab_slow_node.py on the 2-core VM).
# One full core is what a rank that polls uses (OpenMPI's NetPIPE through srun): with a budget of exactly one
# core a node was throttled once in a healthy L9+L15 run (cpu.stat nr_throttled); with 1.5, never (provisioning
# and 4 runs of benchmarks/lab_rail_variance.py, all 5 nodes nr_throttled 0).
NODE_QUOTA_US = 150_000
MOUNTS = Path("/proc/self/mounts")


@dataclass(frozen=True)
class Hierarchy:
    """Where the cpu controller lives: the unified hierarchy (version 2) or the legacy cpu one (version 1)."""

    version: int
    mount: Path


def cpu_hierarchy(mounts: str, v2_controllers: dict[str, str]) -> Hierarchy | None:
    """The hierarchy to put the nodes' groups in, from /proc/self/mounts and each cgroup2 mount's
    ``cgroup.controllers`` (``v2_controllers``: mount point -> that file's text): a cgroup2 mount that offers
    ``cpu`` first (a fresh Debian 12: /sys/fs/cgroup), else a legacy ``cgroup`` mount with the ``cpu`` option
    (a hybrid host: /sys/fs/cgroup/cpu), else None."""
    v1 = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        point, fstype, options = fields[1], fields[2], fields[3].split(",")
        if fstype == "cgroup2" and "cpu" in v2_controllers.get(point, "").split():
            return Hierarchy(2, Path(point))
        if fstype == "cgroup" and "cpu" in options and v1 is None:
            v1 = Hierarchy(1, Path(point))
    return v1


def group_dir(hierarchy: Hierarchy, node: str | None = None) -> Path:
    """/sys/fs/cgroup/bringup-lab[/node02]."""
    base = hierarchy.mount / GROUP
    return base / node if node else base


def budget_writes(hierarchy: Hierarchy, quota_us: int | None, period_us: int = PERIOD_US) -> list[tuple[str, str]]:
    """(file, text) to write, in order, into a node's group for a quota per period (None: no limit)."""
    if hierarchy.version == 2:
        return [("cpu.max", f"{'max' if quota_us is None else quota_us} {period_us}")]
    if quota_us is None:
        return [("cpu.cfs_quota_us", "-1")]
    return [("cpu.cfs_period_us", str(period_us)), ("cpu.cfs_quota_us", str(quota_us))]


def enable_writes(hierarchy: Hierarchy) -> list[tuple[Path, str]]:
    """cgroup v2: the cpu controller enabled for the lab's group and for the nodes' groups below it (a legacy
    hierarchy has it everywhere)."""
    if hierarchy.version == 1:
        return []
    return [(hierarchy.mount / "cgroup.subtree_control", "+cpu"), (group_dir(hierarchy) / "cgroup.subtree_control",
                                                                   "+cpu")]


def budget_text(hierarchy: Hierarchy, node: str) -> str:
    """The node's budget as the kernel reports it: '100000 100000' (v2 cpu.max) or '100000/100000' (v1)."""
    d = group_dir(hierarchy, node)
    if hierarchy.version == 2:
        return (d / "cpu.max").read_text().strip()
    return f"{(d / 'cpu.cfs_quota_us').read_text().strip()}/{(d / 'cpu.cfs_period_us').read_text().strip()}"


def in_group_argv(procs: Path, argv: list[str]) -> list[str]:
    """``argv`` started inside a cgroup: a shell writes its own pid to the group's cgroup.procs, then becomes
    ``argv`` (its children inherit the group). The path reaches the shell as an argument, never in its text."""
    return ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(procs), *argv]


# ------------------------------------------------------------------ the host's side


def find() -> Hierarchy | None:
    try:
        mounts = MOUNTS.read_text()
    except OSError:
        return None
    controllers = {}
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) > 2 and fields[2] == "cgroup2":
            try:
                controllers[fields[1]] = (Path(fields[1]) / "cgroup.controllers").read_text()
            except OSError:
                pass
    return cpu_hierarchy(mounts, controllers)


def unavailable() -> str | None:
    """None when node budgets can be made on this host, else why not (one line)."""
    hierarchy = find()
    if hierarchy is None:
        return ("no cgroup hierarchy with the cpu controller is mounted (/proc/self/mounts: no cgroup2 offering "
                "cpu, no legacy cgroup with the cpu option)")
    if not os.access(hierarchy.mount, os.W_OK):
        return f"{hierarchy.mount} is not writable (a read-only cgroup filesystem: a container without cgroupns?)"
    return None


def _write(path: Path, text: str, what: str) -> None:
    try:
        path.write_text(text)
    except OSError as exc:
        raise LabError(f"{what}: cannot write {text!r} to {path}: {exc.strerror or exc}") from None


def create(nodes: list[str]) -> Hierarchy:
    """The lab's group and one group per node, each with the node budget. LabError names the file that failed."""
    reason = unavailable()
    if reason:
        raise LabError(f"no CPU budget per node: {reason}")
    hierarchy = find()
    group_dir(hierarchy).mkdir(exist_ok=True)
    for path, text in enable_writes(hierarchy):
        _write(path, text, "enabling the cpu controller")
    for node in nodes:
        group_dir(hierarchy, node).mkdir(exist_ok=True)
        set_budget(hierarchy, node, NODE_QUOTA_US)
    return hierarchy


def set_budget(hierarchy: Hierarchy, node: str, quota_us: int | None, period_us: int = PERIOD_US) -> None:
    for file, text in budget_writes(hierarchy, quota_us, period_us):
        _write(group_dir(hierarchy, node) / file, text, f"{node}: CPU budget")


def adopt(hierarchy: Hierarchy, node: str, pids: list[int]) -> None:
    """Move processes (and all their threads) into the node's group; one that exited meanwhile is skipped."""
    procs = group_dir(hierarchy, node) / "cgroup.procs"
    for pid in pids:
        try:
            procs.write_text(str(pid))
        except ProcessLookupError:
            continue
        except OSError as exc:
            raise LabError(f"{node}: cannot move pid {pid} into {procs}: {exc.strerror or exc}") from None


def members(hierarchy: Hierarchy, node: str) -> list[int]:
    try:
        return [int(p) for p in (group_dir(hierarchy, node) / "cgroup.procs").read_text().split()]
    except OSError:
        return []


def remove() -> list[str]:
    """``down``: the nodes' groups and the lab's. Their processes are the lab's (the nodes died first; what is
    left entered a node's group by hand): killed, then the groups removed. Idempotent."""
    hierarchy = find()
    if hierarchy is None or not group_dir(hierarchy).is_dir():
        return []
    notes = []
    for node_dir in sorted(p for p in group_dir(hierarchy).iterdir() if p.is_dir()):
        for pid in members(hierarchy, node_dir.name):
            try:
                os.kill(pid, signal.SIGKILL)
                notes.append(f"{node_dir.name}: killed leftover pid {pid} in {node_dir}")
            except ProcessLookupError:
                pass
        _rmdir(node_dir)
    _rmdir(group_dir(hierarchy))
    notes.append(f"removed {group_dir(hierarchy)}")
    return notes


def _rmdir(path: Path) -> None:
    """rmdir of a cgroup fails with EBUSY while a dying process is still in it: a short deadline."""
    deadline = time.monotonic() + 3
    while True:
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if time.monotonic() > deadline:
                raise LabError(f"cannot remove {path}: {exc.strerror or exc} (processes still in "
                               f"{path / 'cgroup.procs'})") from None
            time.sleep(0.05)
