"""A lab machine: network, UTS, mount and PID namespaces held open by a tiny init process.

The holder is started with ``unshare --pid --fork --mount --uts`` inside the machine's network namespace
(``ip netns add bringup-<name>``). As pid 1 of the new PID namespace it reaps orphans (daemons that fork
and detach end up as its children), and killing it kills every process of the machine: that is how ``down``
stops daemons the playbooks started without knowing their pids. A PID namespace also keeps ``pkill
slurmd`` or a pid file on one node from touching another node's daemon.

Before pid 1 takes over, the setup script (below) gives the machine its private filesystem view: overlays
on /etc and /var (upper layer in ``machines/<name>/``), a fresh /root from /etc/skel, tmpfs on /run and /tmp, a /proc for the PID
namespace and a /sys for the network namespace (as ``ip netns exec`` does, so /sys/class/net lists the
machine's own interfaces). Mounts are private, so nothing propagates back to the host.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from bringup.lab import addressing
from bringup.lab.errors import LabError, run
from bringup.lab.state import STATE_DIR

MACHINES_DIR = STATE_DIR / "machines"
OVERLAID = ("etc", "var")
# /root is not an overlay of the host's: the host's root home holds its own dotfiles (a pyenv init that takes
# a lock on every login, credentials) that a node must not see. A node gets a fresh home from /etc/skel.
PRIVATE = ("root",)

# Runs as pid 1 of the new PID namespace, after the mounts: reap every child forever.
_INIT = (
    "import os, time\n"
    "while True:\n"
    "    try:\n"
    "        os.wait()\n"
    "    except ChildProcessError:\n"
    "        time.sleep(0.5)\n"
)

_SETUP = r"""
set -eu
name=$1; base=$2
hostname "$name"
for d in etc var; do
  mount -t overlay "lab-$name-$d" -o "lowerdir=/$d,upperdir=$base/$d.upper,workdir=$base/$d.work" "/$d"
done
mount --bind "$base/root.upper" /root
mount -t proc proc /proc
umount -l /sys
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/sshd /run/lock /run/munge /run/slurm /run/lldpd
chmod 1777 /run/lock
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
ip link set lo up
echo ready
exec "$3" -c "$4" >/dev/null
"""


def node_python() -> str:
    """The system python3: it is what ansible uses on a node, and it lives outside /root (a pyenv or
    virtualenv under the host's /root is not visible on a node)."""
    for candidate in ("/usr/bin/python3", "/bin/python3"):
        if os.access(candidate, os.X_OK):
            return candidate
    if not sys.executable.startswith("/root"):
        return sys.executable
    raise LabError("no system python3 (/usr/bin/python3): install python3 (ansible needs it on every node)")


def machine_dir(name: str) -> Path:
    return MACHINES_DIR / name


def upper(name: str, path: str) -> Path:
    """Host path of a file in the machine's private layer, e.g. upper('node01', '/etc/hostname').

    Write here only before the machine starts; afterwards write through :func:`write_file`."""
    rel = Path(path).relative_to("/")
    top = rel.parts[0]
    if top not in OVERLAID + PRIVATE:
        raise ValueError(f"{path}: only {', '.join('/' + d for d in OVERLAID + PRIVATE)} are private to a lab machine")
    return machine_dir(name) / f"{top}.upper" / Path(*rel.parts[1:])


def prepare(name: str) -> Path:
    base = machine_dir(name)
    for d in OVERLAID:
        (base / f"{d}.upper").mkdir(parents=True, exist_ok=True)
        (base / f"{d}.work").mkdir(parents=True, exist_ok=True)
    home = base / "root.upper"
    if not home.exists():
        shutil.copytree("/etc/skel", home, symlinks=True)
        home.chmod(0o700)
    return base


def create(name: str) -> int:
    """Make the network namespace and start the holder; returns the holder's pid (recorded in the state)."""
    netns = addressing.netns(name)
    base = prepare(name)
    run(["ip", "netns", "add", netns], what=f"{name}: cannot create network namespace {netns}")
    log = base / "holder.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(
            ["ip", "netns", "exec", netns, "unshare", "--pid", "--fork", "--mount", "--uts", "--propagation",
             "private", "sh", "-c", _SETUP, "setup", name, str(base), node_python(), _INIT],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, start_new_session=True, text=True,
        )
    line = proc.stdout.readline().strip()  # "ready" once the mounts are in place, EOF if setup failed
    proc.stdout.close()
    if line != "ready":
        proc.wait(timeout=5)
        detail = log.read_text().strip().splitlines()
        raise LabError(f"{name}: namespace setup failed (log {log}): {detail[-1] if detail else 'no output'}")
    # proc is `ip netns exec ... unshare`; the holder (pid 1 inside) is unshare's child.
    return _child_of(proc.pid, name)


def _child_of(pid: int, name: str) -> int:
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        if children:
            return int(children[0])
        time.sleep(0.01)
    raise LabError(f"{name}: the namespace holder did not appear under pid {pid}")


def alive(pid: int | None, name: str) -> bool:
    """True when ``pid`` is still this machine's holder (not a recycled pid of someone else)."""
    if not pid:
        return False
    try:
        holder_ns = os.readlink(f"/proc/{pid}/ns/net")
        own_ns = os.stat(f"/run/netns/{addressing.netns(name)}")
    except OSError:
        return False
    return holder_ns == f"net:[{own_ns.st_ino}]"


def enter(pid: int) -> list[str]:
    """argv prefix that runs a command inside the machine whose holder is ``pid``."""
    return ["nsenter", "-t", str(pid), "-n", "-m", "-u", "-p", "--"]


def exec_in(pid: int, name: str, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return run(enter(pid) + argv, what=name, **kwargs)


def write_file(pid: int, name: str, path: str, text: str, mode: int = 0o644) -> None:
    """Write a file as the machine sees it (through its overlay), e.g. after it started."""
    exec_in(pid, name, ["sh", "-c", f'umask 077; cat > "$0" && chmod {mode:o} "$0"', path], input=text)


def destroy(name: str, pid: int | None) -> list[str]:
    """Stop every process of the machine and remove its namespaces and files. Idempotent; returns notes."""
    notes = []
    netns = addressing.netns(name)
    if alive(pid, name):
        os.kill(pid, signal.SIGKILL)  # pid 1 of the PID namespace: the kernel kills all its processes
        notes.append(f"{name}: stopped (holder pid {pid})")
        _wait_gone(netns, timeout=1)  # the `unshare` that started the holder exits with it
    # Anything else still in the netns (a holder lost from the state, a process that entered by hand):
    # `ip netns pids` names exactly the processes of this lab's namespace, nothing of the host's.
    pids = run(["ip", "netns", "pids", netns], check=False).stdout.split()
    for other in pids:
        try:
            os.kill(int(other), signal.SIGKILL)
            notes.append(f"{name}: killed leftover pid {other}")
        except (ProcessLookupError, ValueError):
            pass
    if Path(f"/run/netns/{netns}").exists():
        _wait_gone(netns)
        run(["ip", "netns", "del", netns], what=f"{name}: cannot delete network namespace {netns}", check=False)
    return notes


def _wait_gone(netns: str, timeout: float = 5) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and run(["ip", "netns", "pids", netns], check=False).stdout.strip():
        time.sleep(0.05)


def leftover_netns() -> list[str]:
    """Machine names of every bringup-* network namespace on the host (for down after a lost state file)."""
    out = run(["ip", "netns", "list"], check=False).stdout
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    return [n.removeprefix(addressing.NETNS_PREFIX) for n in names if n.startswith(addressing.NETNS_PREFIX)]
