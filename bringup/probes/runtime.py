"""Layer 14 probes, bare metal (D2, D4): hostname, name resolution of every node, the SSH mesh.

The mesh probe is ``ssh -o BatchMode=yes <peer> true`` from this node to every other node (layers.md L14),
with StrictHostKeyChecking=yes so that an unknown host key fails instead of being learned. Example
outputs: ``getent hosts node01 node02`` ->::

    198.18.0.11     node01
    198.18.0.12     node02
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import getent_hosts, scalar
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

HOSTNAME = Probe("hostname", "hostname", parser=scalar.parse)
SSH_OPTS = "-o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=yes"


def applies(node: "Node") -> bool:
    """The bare-metal L14 checks: designs without Kubernetes, and the Slurm side of a hybrid."""
    return not node.design.uses_kubernetes or node.partition == "slurm"


def mesh_required(node: "Node") -> bool:
    """D4 launches mpirun over ssh; elsewhere the inventory says so with bringup_expect.ssh_mesh."""
    declared = node.expect.get("ssh_mesh")
    return bool(declared) if declared is not None else node.design.launcher == "mpirun"


def peers(node: "Node") -> list[str]:
    return [name for name in node.fleet if name != node.name]


def getent(node: "Node") -> Probe:
    # `--`: the names are operands, never options (glibc getent parses its options with argp).
    # getent exits 2 when a name does not resolve and still lists the others: the check names the missing ones.
    return Probe("getent-hosts", "getent hosts -- " + " ".join(quote(n) for n in node.fleet or (node.name,)),
                 parser=getent_hosts.parse, allow_rc=(0, 2))


def ssh(node: "Node", peer: str) -> Probe:
    # `--`: the peer is never an option. No parser: the exit status is the answer.
    return Probe(f"ssh-{peer}", f"ssh {SSH_OPTS} -- {quote(peer)} true")


def plan(node: "Node") -> list[Probe]:
    if not applies(node):
        return []
    probes = [HOSTNAME, getent(node)]
    if mesh_required(node):
        probes += [ssh(node, peer) for peer in peers(node)]
    return probes
