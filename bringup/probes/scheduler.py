"""Layer 15 probes: Slurm (D2, D5 Slurm side) and the mpirun launcher (D4, or wherever the SSH mesh is
required), plus a per-rail bandwidth job between ring neighbours (the lab's stand-in for the launch gate).

Examples: ``scontrol ping`` -> ``Slurmctld(primary) at node01 is UP``; ``scontrol show slurmd`` answers
only while this node's slurmd runs; ``munge -n | unmunge`` -> ``STATUS: Success (0)``.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import hostname_counts, iperf3_udp, scontrol_node, scontrol_ping, srun_mpi_list, unmunge
from bringup.probes import Probe
from bringup.probes.runtime import SSH_OPTS, mesh_required

if TYPE_CHECKING:
    from bringup.inventory import Node

# scontrol ping exits 1 when a controller is DOWN, and still prints every controller's line.
SCONTROL_PING = Probe("scontrol-ping", "scontrol ping", parser=scontrol_ping.parse, allow_rc=(0, 1))
SLURMD = Probe("slurmd", "scontrol show slurmd")  # the exit status is the answer: judged raw
# unmunge exits with the munge error code (munge(7): 1 general failure, 2 bad argument, 14 invalid, 15 expired,
# 16 rewound, 17 replayed credential). Where it prints its STATUS line the check judges that; munge 0.5.15
# prints none for a credential of another key (rc 14, stderr "unmunge: Error: Invalid credential"), which the
# cross-node check reports from the exit status and stderr.
MUNGE_RC = (0, 1, 2, 14, 15, 16, 17)
MUNGE_LOCAL = Probe("munge-local", "munge -n | unmunge", parser=unmunge.parse, allow_rc=MUNGE_RC)
SRUN_MPI_LIST = Probe("srun-mpi-list", "srun --mpi=list", parser=srun_mpi_list.parse)
# Exit status of a launch probe that did not launch because its precondition failed (reported as a skip).
NOT_LAUNCHED = 3
# OpenMPI refuses root unless told; the lab runs as root, a real cluster usually does not (harmless there).
MPI_ENV = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
IPERF_PORT_BASE = 5300
IPERF_OFFERED = "2G"  # UDP offered load; a healthy rail carries it, a rate-limited one delivers its limit


def uses_slurm(node: "Node") -> bool:
    return node.design.uses_slurm and node.partition in (None, "slurm")


def next_node(node: "Node") -> str | None:
    """The ring neighbour (cross-node munge and the mpirun pair): N probes instead of N²."""
    if len(node.fleet) < 2 or node.name not in node.fleet:
        return None
    return node.fleet[(node.fleet.index(node.name) + 1) % len(node.fleet)]


def node_state(node: "Node") -> Probe:
    return Probe("node-state", f"scontrol show node {quote(node.name)} -o", parser=scontrol_node.parse)


def srun_launch(node: "Node") -> Probe:
    # Only where this node's slurmd answers: a launch onto a dead slurmd would make the controller set the
    # node DOWN, turning one fault into two (and the slurmd check already names the cause).
    return Probe("srun-launch", f"if scontrol show slurmd >/dev/null 2>&1; then "
                                f"srun -N1 -w {quote(node.name)} --immediate=10 -t 1 hostname; "
                                f"else echo 'slurmd does not answer on this node' >&2; exit {NOT_LAUNCHED}; fi")


def munge_peer(peer: str) -> Probe:
    # `--` ends ssh's options: the peer is a host name, never an option (-oProxyCommand=...).
    return Probe("munge-peer", f"munge -n | ssh {SSH_OPTS} -- {quote(peer)} unmunge", parser=unmunge.parse,
                 allow_rc=MUNGE_RC)


def mpirun_pair(node: "Node", peer: str) -> Probe:
    """One rank here and one on the peer, from a hostfile (layers.md L15 D4 placement)."""
    # The names are printf's arguments, each one quoted word; the format string holds no inventory value
    # (a quoted name inside a single-quoted format would end that quote and run as shell code).
    hosts = f"'%s slots=1\\n' {quote(node.name)} {quote(peer)}"
    return Probe("mpirun-pair", f"hf=$(mktemp) && printf {hosts} >\"$hf\" && {MPI_ENV} mpirun -np 2 "
                                f"--hostfile \"$hf\" --map-by ppr:1:node hostname | sort | uniq -c; "
                                f"rc=$?; rm -f \"$hf\"; exit $rc", parser=hostname_counts.parse)


def rail_bandwidth(node: "Node", rail) -> Probe | None:
    """A 1-second iperf3 UDP stream from this node's rail address to the ring neighbour's on the same rail.

    UDP, so the result measures this node's egress on the rail only (a TCP stream would also slow down when
    the *peer's* egress is limited, through its ACKs). The server runs on the peer for exactly one test
    (``-1``), bound to its rail address, on a port per rail, so the concurrent probes of all nodes never
    share a server (each node serves only its ring predecessor)."""
    peer = node.rail_peers.get(rail.name)
    if peer is None or rail.address is None:
        return None
    port = IPERF_PORT_BASE + node.rails.index(rail)
    src, dst = quote(str(rail.address.ip)), quote(peer[1])
    # Backgrounded with its own timeout: ssh returns at once, and a server whose client never came (a dead
    # rail) is gone before the next run needs the port.
    server = f"timeout 15 iperf3 -s -1 -B {dst} -p {port} </dev/null >/dev/null 2>&1 &"
    mtu = rail.mtu or node.fabric.mtu or 1500
    return Probe(f"iperf-{rail.name}",
                 f"ssh {SSH_OPTS} -- {quote(peer[0])} {quote(server)} && sleep 0.3 && "
                 f"iperf3 -c {dst} -B {src} -p {port} -u -b {IPERF_OFFERED} -l {mtu - 28} -t 1 -J",
                 parser=iperf3_udp.parse)


def plan(node: "Node") -> list[Probe]:
    probes: list[Probe] = []
    peer = next_node(node)
    if uses_slurm(node):
        probes += [SCONTROL_PING, SLURMD, node_state(node), MUNGE_LOCAL, SRUN_MPI_LIST, srun_launch(node)]
    if mesh_required(node) and peer:
        if uses_slurm(node):
            probes.append(munge_peer(peer))
        probes.append(mpirun_pair(node, peer))
    if mesh_required(node) and node.expect.get("rail_bandwidth_gbps") is not None:
        probes += [p for rail in node.rails if (p := rail_bandwidth(node, rail)) is not None]
    return probes
