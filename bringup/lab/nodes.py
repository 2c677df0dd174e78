"""Lab nodes as machines: hostname, /etc/hosts, SSH host keys, root's keys, sshd.

Files are written into each node's private /etc and /root layer before the node starts, at the paths a real
node has them (/etc/ssh/ssh_host_ed25519_key, /root/.ssh/authorized_keys), so the playbooks and the suites
meet nothing lab-specific. The controller's client key and known_hosts live in the state folder and are
what the lab inventory points at, with StrictHostKeyChecking=yes.

Node-to-node SSH (mpirun over ssh, the L14 mesh) uses one lab key pair installed as root's identity on every
node, and a known_hosts listing every node by name and address: the state a site's first-boot tooling would
leave, so the lab makes it (it is credentials, not node software).
"""

from __future__ import annotations

import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bringup.lab import addressing, machines
from bringup.lab.errors import LabError
from bringup.lab.state import STATE_DIR

SSH_DIR = STATE_DIR / "ssh"
CLIENT_KEY = SSH_DIR / "id_ed25519"
KNOWN_HOSTS = SSH_DIR / "known_hosts"

SSHD_CONFIG = """\
# Written by bringup lab for {name}: root logs in with the lab key only.
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
# PAM applies the node's /etc/security/limits.conf (memlock, L6) as on a real node.
UsePAM yes
PidFile /run/sshd.pid
PrintMotd no
AcceptEnv LANG LC_*
# The suites and ansible open many sessions at once; mpirun opens one per node.
MaxStartups 200:30:400
MaxSessions 200
Subsystem sftp /usr/lib/openssh/sftp-server
"""


def _keygen(path: Path, comment: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True)


def _names(index: int, rails: int) -> str:
    """Every name and address a node is known by, for known_hosts."""
    name = addressing.node_name(index)
    addresses = [addressing.node_mgmt_address(index).ip] + \
        [addressing.node_rail_address(index, r).ip for r in range(1, rails + 1)]
    return ",".join([name] + [str(a) for a in addresses])


def hosts_block(nodes: int, rails: int) -> str:
    lines = ["# bringup lab nodes (management network, then one name per rail address)"]
    for i in range(1, nodes + 1):
        lines.append(f"{addressing.node_mgmt_address(i).ip}\t{addressing.node_name(i)}")
        for r in range(1, rails + 1):
            lines.append(f"{addressing.node_rail_address(i, r).ip}\t{addressing.node_name(i)}-{addressing.rail_name(r)}")
    return "\n".join(lines) + "\n"


def prepare_files(nodes: int, rails: int) -> None:
    """Keys and files of every node, written before any node starts (so no overlay is written while live)."""
    if SSH_DIR.exists():
        subprocess.run(["rm", "-rf", str(SSH_DIR)], check=True)
    _keygen(CLIENT_KEY, "bringup-lab")
    names = [addressing.node_name(i) for i in range(1, nodes + 1)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: _keygen(machines.upper(n, "/etc/ssh/ssh_host_ed25519_key"), f"root@{n}"), names))
    known = []
    for i, name in enumerate(names, start=1):
        pub = machines.upper(name, "/etc/ssh/ssh_host_ed25519_key.pub").read_text().split()
        known.append(f"{_names(i, rails)} {pub[0]} {pub[1]}")
    KNOWN_HOSTS.write_text("\n".join(known) + "\n")

    host_hosts = Path("/etc/hosts").read_text()
    block = hosts_block(nodes, rails)
    client_pub = CLIENT_KEY.with_suffix(".pub").read_text()
    for name in names:
        machines.upper(name, "/etc/hostname").write_text(name + "\n")
        machines.upper(name, "/etc/hosts").write_text(host_hosts.rstrip("\n") + "\n" + block)
        machines.upper(name, "/etc/ssh/sshd_config").write_text(SSHD_CONFIG.format(name=name))
        dot_ssh = machines.upper(name, "/root/.ssh")
        dot_ssh.mkdir(parents=True, exist_ok=True)
        dot_ssh.chmod(0o700)
        for file, text in (("authorized_keys", client_pub), ("known_hosts", KNOWN_HOSTS.read_text()),
                           ("id_ed25519", CLIENT_KEY.read_text()), ("id_ed25519.pub", client_pub)):
            (dot_ssh / file).write_text(text)
            (dot_ssh / file).chmod(0o600 if file == "id_ed25519" else 0o644)


def sshd_log(name: str) -> Path:
    return machines.upper(name, "/var/log/sshd.log")


def start_sshd(name: str, pid: int) -> None:
    """sshd daemonizes under the node's init; a config or key problem names its log."""
    proc = machines.exec_in(pid, name, ["/usr/sbin/sshd", "-E", "/var/log/sshd.log"], check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or "").strip() or _tail(sshd_log(name))
        raise LabError(f"{name}: sshd failed to start (rc {proc.returncode}, log {sshd_log(name)}): {detail}")


def stop_sshd(name: str, pid: int) -> None:
    machines.exec_in(pid, name, ["sh", "-c", "kill $(cat /run/sshd.pid)"], check=False)


def sshd_running(name: str, pid: int) -> bool:
    return machines.exec_in(pid, name, ["sh", "-c", "kill -0 $(cat /run/sshd.pid 2>/dev/null)"],
                            check=False).returncode == 0


def wait_sshd(name: str, index: int, timeout: float = 15) -> None:
    """Ready means the controller can open port 22 over the management network."""
    address = str(addressing.node_mgmt_address(index).ip)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection((address, 22), timeout=0.5) as conn:
                if conn.recv(4).startswith(b"SSH-"):
                    return
        except OSError:
            time.sleep(0.05)
    raise LabError(f"{name}: sshd does not answer on {address}:22 after {timeout:g} s (log {sshd_log(name)})")


def _tail(path: Path) -> str:
    try:
        lines = path.read_text().strip().splitlines()
    except OSError:
        return "no log"
    return lines[-1] if lines else "empty log"
