"""The Debian packages the lab (and the node software the playbooks configure) needs on the host.

Lab nodes share the host's /usr, so software is installed once, here; a playbook's "package present" task
then finds it installed. Missing packages are installed with apt-get, and the command says which.
"""

from __future__ import annotations

import os
import shutil
import sys

from bringup.lab.errors import LabError, run

# command -> the Debian package that provides it
NEEDED = {
    "ip": "iproute2",
    "tc": "iproute2",
    "nsenter": "util-linux",
    "unshare": "util-linux",
    "sshd": "openssh-server",
    "ssh": "openssh-client",
    "ssh-keygen": "openssh-client",
    "lldpd": "lldpd",
    "ethtool": "ethtool",
    "ping": "iputils-ping",
    "munged": "munge",
    "slurmctld": "slurmctld",
    "slurmd": "slurmd",
    "mpirun": "openmpi-bin",
    "iperf3": "iperf3",
    "/usr/bin/python3": "python3",  # each node's init, and ansible's interpreter on the nodes
    "/usr/lib/python3/dist-packages/apt": "python3-apt",  # ansible's apt module (package tasks) on the nodes
}
SBIN = ("/usr/sbin", "/sbin")


def missing() -> list[str]:
    path = os.pathsep.join([os.environ.get("PATH", ""), *SBIN])
    return sorted({pkg for cmd, pkg in NEEDED.items()
                   if not (os.path.exists(cmd) if cmd.startswith("/") else shutil.which(cmd, path=path))})


def ensure(install: bool = True) -> list[str]:
    """Install what is missing; returns the packages installed."""
    packages = missing()
    if not packages:
        return []
    if not install:
        raise LabError(f"missing Debian packages: {' '.join(packages)} (apt-get install {' '.join(packages)})")
    if shutil.which("apt-get") is None:
        raise LabError(f"missing packages {' '.join(packages)} and no apt-get to install them; install them first")
    print(f"bringup lab: installing missing Debian packages: {' '.join(packages)}", file=sys.stderr)
    env_cmd = ["env", "DEBIAN_FRONTEND=noninteractive"]
    run(env_cmd + ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
        what="installing lab packages", timeout=900)
    return packages
