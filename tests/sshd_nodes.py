"""Real sshd instances on loopback addresses, one per "node", for the SSH transport tests and benchmarks.

Each node is an ``sshd -D`` on 127.0.0.(10+i), on one free port with its own generated host key; the client key and a
known_hosts file (host-key checking stays on) are written beside them, plus an Ansible inventory that points
at them. Needs root (sshd's privilege separation) and openssh-server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def free_port() -> int:
    """A port free on loopback now, so concurrent test runs don't collide."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def available() -> str | None:
    """None when sshd nodes can run here, else the reason they can't."""
    if os.geteuid() != 0:
        return "sshd nodes need root"
    if not Path(SSHD).exists():
        return "openssh-server is not installed"
    return None


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


@dataclass
class SshdNodes:
    root: Path
    count: int
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    port: int = field(default_factory=free_port)

    def address(self, index: int) -> str:
        return f"127.0.0.{10 + index}"

    def names(self) -> list[str]:
        return [f"node{i + 1:02d}" for i in range(self.count)]

    def start(self) -> "SshdNodes":
        Path("/run/sshd").mkdir(exist_ok=True)
        self.root.mkdir(parents=True, exist_ok=True)
        self.client_key = self.root / "id_ed25519"
        _keygen(self.client_key)
        (self.root / "authorized_keys").write_text((self.root / "id_ed25519.pub").read_text())
        known = []
        for index, name in enumerate(self.names()):
            folder = self.root / name
            folder.mkdir()
            _keygen(folder / "host_key")
            pub = (folder / "host_key.pub").read_text().split()
            known.append(f"[{self.address(index)}]:{self.port} {pub[0]} {pub[1]}")
            (folder / "sshd_config").write_text("\n".join([
                f"ListenAddress {self.address(index)}:{self.port}",
                f"HostKey {folder / 'host_key'}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {self.root / 'authorized_keys'}",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "MaxStartups 100:30:200",
                "MaxSessions 100",
                "LogLevel ERROR",
            ]) + "\n")
            self.procs[name] = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(folder / "sshd_config")],
                stdout=subprocess.DEVNULL, stderr=open(folder / "sshd.log", "w"),
            )
        self.known_hosts = self.root / "known_hosts"
        self.known_hosts.write_text("\n".join(known) + "\n")
        for index in range(self.count):
            self._wait(self.address(index))
        return self

    def _wait(self, address: str) -> None:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection((address, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"sshd on {address}:{self.port} did not start (log: {self.root}/*/sshd.log)")

    def stop(self, name: str | None = None) -> None:
        for node, proc in list(self.procs.items()):
            if name in (None, node) and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=5)

    def write_inventory(self, target: Path, design: str = "baremetal-mpi-roce", extra_hosts: dict | None = None,
                        group_vars: dict | None = None) -> Path:
        hosts = {}
        for index, name in enumerate(self.names()):
            hosts[name] = {
                "ansible_host": self.address(index),
                "ansible_port": self.port,
                "ansible_user": "root",
                "ansible_ssh_private_key_file": str(self.client_key),
                "ansible_ssh_common_args": f"-o UserKnownHostsFile={self.known_hosts} -o StrictHostKeyChecking=yes",
            }
        hosts.update(extra_hosts or {})
        (target / "group_vars").mkdir(parents=True, exist_ok=True)
        (target / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
        # Loopback sshd nodes share this machine: no GPUs, RoCE NICs or BMC of their own, no TuneD profile.
        gv = {"bringup_design": design, "bringup_hardware": {"gpus": 0, "nics": 0, "bmc": False},
              "bringup_expect": {"time_sync": "not_required", "memlock": "any", "tuned_profile": "any"}}
        gv.update(group_vars or {})
        (target / "group_vars" / "all.yml").write_text(yaml.safe_dump(gv))
        return target
