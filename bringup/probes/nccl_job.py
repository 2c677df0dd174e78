"""The short NCCL job whose ``NCCL_DEBUG=INFO`` log the L12 "NCCL sees GDR" and L13 "NCCL init log" rows read.

One nccl-tests ``all_reduce_perf`` on two nodes, one process per node driving all of its GPUs (``-g <gpus>``), so
NCCL opens every rail; 64 MB is enough to build the rings and print the channels. Nodes pair up in inventory
order, disjointly (node01+node02, node03+node04, ...), so no GPU serves two jobs at once; an odd last node
pairs with the first. The job runs from the first node of each pair through the design's launcher:
``srun --mpi=<plugin>`` where Slurm schedules the node, ``mpirun`` over the ssh mesh where the design launches
that way (D4) or the inventory declares the mesh; Kubernetes-only nodes run NCCL in pods, which this suite
does not launch. Example log line: ``node01:48213:48213 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE ...``.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup import expect
from bringup.probes import Probe, traffic
from bringup.probes.scheduler import MPI_ENV, uses_slurm

if TYPE_CHECKING:
    from bringup.inventory import Node

KEY = "nccl-job"
ALL_REDUCE = "src/nccl-tests/build/all_reduce_perf"  # under the benchmarks prefix (playbooks/roles/benchmarks)
DEBUG_ENV = {"NCCL_DEBUG": "INFO", "NCCL_DEBUG_SUBSYS": "INIT,NET"}
TIMEOUT_S = 120  # CUDA contexts on 16 GPUs, NCCL bootstrap and the rings: tens of seconds, not the 30 s default


def pairs(fleet: tuple[str, ...]) -> dict[str, str]:
    """{launching node: partner}; a pure function of the inventory order."""
    chosen = {fleet[i]: fleet[i + 1] for i in range(0, len(fleet) - 1, 2)}
    if len(fleet) % 2 and len(fleet) > 1:
        chosen[fleet[-1]] = fleet[0]
    return chosen


def launcher_of(node: "Node") -> str | None:
    """The node that runs the job this node's GPUs take part in (itself, or its pair's first node)."""
    chosen = pairs(node.fleet)
    if node.name in chosen:
        return node.name
    return next((first for first, second in chosen.items() if second == node.name), None)


def launcher(node: "Node") -> str | None:
    if uses_slurm(node):
        return "srun"
    if traffic.enabled(node):
        return "mpirun"
    return None


def skip_reason(node: "Node") -> str | None:
    if not node.hardware.gpus:
        return f"inventory declares no GPUs for {node.name}"
    if not any(rail.rdma_device for rail in node.rails):
        return f"inventory declares no RDMA rails for {node.name}: NCCL has no network to use"
    if len(node.fleet) < 2:
        return f"{node.name} is the only node in the inventory: an NCCL network log needs two"
    if launcher(node) is None:
        return (f"{node.design.id} ({node.design.slug}) runs NCCL in pods (an MPIJob) on {node.name}; this suite "
                f"launches it only through srun or mpirun (declare bringup_expect.traffic_checks for mpirun)")
    return None


def job(node: "Node") -> Probe | None:
    if skip_reason(node) or pairs(node.fleet).get(node.name) is None:
        return None
    partner = pairs(node.fleet)[node.name]
    gpus = node.hardware.gpus
    test = f"{quote(traffic.bench_prefix(node) + '/' + ALL_REDUCE)} -b 64M -e 64M -f 2 -n 5 -w 2 -g {gpus}"
    env = " ".join(f"{k}={v}" for k, v in DEBUG_ENV.items())
    hosts = f"{quote(node.name)},{quote(partner)}"
    if launcher(node) == "srun":
        plugin = expect.declared(node, "slurm_mpi")
        mpi = f" --mpi={quote(str(plugin.value))}" if plugin else ""
        command = (f"{env} srun -N2 -w {hosts} --ntasks-per-node=1 --gpus-per-node={gpus}{mpi} --immediate=30 "
                   f"-t 5 {test}")
    else:
        exports = " ".join(f"-x {k}" for k in DEBUG_ENV)
        command = f"{MPI_ENV} {env} mpirun -np 2 --host {hosts} --map-by ppr:1:node {exports} {test}"
    return Probe(KEY, command + " 2>&1", timeout_s=TIMEOUT_S)


def plan(node: "Node") -> list[Probe]:
    probe = job(node)
    return [probe] if probe else []
