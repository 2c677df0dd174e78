"""L15 scheduler / launcher (layers.md L15): Slurm controller, slurmd, node state, munge, MPI plugins and a
launch per node (D2, D5 Slurm side); mpirun placement from a hostfile (D4, or wherever the SSH mesh is
required); a bandwidth job per rail between ring neighbours where the inventory declares a floor.
"""

import pytest

from bringup import expect
from bringup.checks import l15_scheduler as judge
from bringup.probe.prober import ProbeError
from bringup.probes import scheduler
from bringup.probes.runtime import mesh_required

PEERS = "ring"  # cross-node checks pair each node with the next one: N pairs, each node on both ends


def _slurm(node):
    if not scheduler.uses_slurm(node):
        pytest.skip(f"no Slurm on {node.name}: design {node.design.id} launches through {node.design.launcher}")


def _mesh(node):
    if not mesh_required(node):
        pytest.skip(f"no launch over ssh on {node.name} (design {node.design.id}, bringup_expect.ssh_mesh unset)")


def test_slurmctld_answers(node, facts, check):
    _slurm(node)
    check(judge.slurmctld_answers(node.name, facts.get(scheduler.SCONTROL_PING), node.slurm.get("controller")))


def test_slurmd_answers(node, facts, check):
    _slurm(node)
    check(judge.slurmd_answers(node.name, facts.result(scheduler.SLURMD.key)))


def test_node_state_idle_or_mixed_without_drain(node, facts, check):
    _slurm(node)
    check(judge.node_state(node.name, facts.get(scheduler.node_state(node))))


def test_munge_decodes_locally(node, facts, check):
    _slurm(node)
    check(judge.munge_local(node.name, facts.get(scheduler.MUNGE_LOCAL)))


def test_munge_decodes_cross_node(node, peer, facts, check):
    _slurm(node)
    _mesh(node)
    probe = scheduler.munge_peer(peer.name)
    result = facts.result(probe.key)
    fields = facts.get(probe) if "STATUS" in result.stdout else None  # None: ssh or unmunge never ran
    check(judge.munge_cross_node(node.name, peer.name, result, fields))


def test_srun_offers_declared_mpi_plugin(node, facts, check):
    _slurm(node)
    wanted = expect.declared(node, "slurm_mpi")
    if wanted is None:
        pytest.skip("no MPI plugin declared (bringup_expect.slurm_mpi)")
    check(judge.srun_offers_mpi(node.name, facts.get(scheduler.SRUN_MPI_LIST), wanted))


def test_srun_launches_on_node(node, facts, check):
    _slurm(node)
    result = facts.result(scheduler.srun_launch(node).key)
    if result.rc == scheduler.NOT_LAUNCHED:
        pytest.skip(f"not launched: {result.stderr.strip()} (see test_slurmd_answers)")
    check(judge.srun_launches(node.name, result))


def test_mpirun_places_one_rank_per_node(node, peer, facts, check):
    _mesh(node)
    check(judge.mpirun_one_rank_per_node(node.name, peer.name, facts.get(scheduler.mpirun_pair(node, peer.name))))


def test_rail_bandwidth_meets_floor(node, rail, peer, facts, check):
    floor = expect.declared(node, "rail_bandwidth_gbps")
    if floor is None or not mesh_required(node):
        pytest.skip("no per-rail bandwidth floor declared (bringup_expect.rail_bandwidth_gbps)")
    probe = scheduler.rail_bandwidth(node, rail)
    if probe is None:  # a pair is collected only with a ring neighbour on the rail: the address is missing
        raise ProbeError(f"{node.name}: no bandwidth job planned on {rail.name}: the inventory gives "
                         f"{rail.netdev} no address")
    check(judge.rail_bandwidth(rail.name, node.name, peer.name, facts.get(probe), floor))
