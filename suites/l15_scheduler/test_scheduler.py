"""L15 scheduler / launcher (layers.md L15): Slurm controller, slurmd, node state, munge, MPI plugins and a
launch per node (D2, D5 Slurm side); mpirun placement from a hostfile (D4, or wherever the SSH mesh is
required); a bandwidth job per rail between ring neighbours where the inventory declares a floor.
"""

import json

import pytest

from bringup import expect
from bringup.parsers import hostname_counts, scontrol_node, scontrol_ping, srun_mpi_list, unmunge
from bringup.probes import scheduler
from bringup.probes.runtime import mesh_required

PEERS = "ring"  # cross-node checks pair each node with the next one: N pairs, each node on both ends

# layers.md L15: "idle/mixed; no drain reasons". ALLOCATED/COMPLETING are a busy but healthy node.
HEALTHY_STATES = {"IDLE", "MIXED", "ALLOCATED", "COMPLETING"}
UNHEALTHY_FLAGS = {"DRAIN", "DRAINING", "DRAINED", "DOWN", "NOT_RESPONDING", "FAIL", "FAILING", "MAINTENANCE"}


def _slurm(node):
    if not scheduler.uses_slurm(node):
        pytest.skip(f"no Slurm on {node.name}: design {node.design.id} launches through {node.design.launcher}")


def _mesh(node):
    if not mesh_required(node):
        pytest.skip(f"no launch over ssh on {node.name} (design {node.design.id}, bringup_expect.ssh_mesh unset)")


def test_slurmctld_answers(node, facts, check):
    _slurm(node)
    controllers = facts.parsed("scontrol-ping", scontrol_ping.parse, allow_rc=(0, 1))
    primary = controllers.get("primary", {})
    wanted = node.slurm.get("controller")
    check.record(f"{primary.get('host')} {primary.get('state')}", f"{wanted or 'primary'} UP")
    assert primary.get("state") == "UP", f"scontrol ping on {node.name}: primary slurmctld {primary or 'missing'}"
    if wanted:
        assert primary["host"] == wanted, \
            f"primary slurmctld is {primary['host']}, inventory bringup_slurm.controller says {wanted}"


def test_slurmd_answers(node, facts, check):
    _slurm(node)
    result = facts.result("slurmd")
    check.record(f"rc {result.rc}", "rc 0")
    detail = (result.stderr or result.stdout).strip().splitlines()
    assert result.rc == 0, f"slurmd on {node.name} does not answer (`scontrol show slurmd`: " \
                           f"{detail[-1] if detail else f'rc {result.rc}'})"


def test_node_state_idle_or_mixed_without_drain(node, facts, check):
    _slurm(node)
    record = facts.parsed("node-state", scontrol_node.parse)
    base, flags = scontrol_node.state_flags(record["State"])
    reason = record.get("Reason", "")
    check.record(record["State"] + (f" ({reason})" if reason and reason != "(null)" else ""), "IDLE or MIXED")
    bad = flags & UNHEALTHY_FLAGS
    assert base in HEALTHY_STATES and not bad, \
        f"Slurm node {node.name} is {record['State']}" + (f", reason: {reason}" if reason else "")


def test_munge_decodes_locally(node, facts, check):
    _slurm(node)
    fields = facts.parsed("munge-local", unmunge.parse, allow_rc=(0, 1, 2, 15, 16, 17))
    check.record(fields["STATUS"], "Success (0)")
    assert fields["status_code"] == 0, f"munge -n | unmunge on {node.name}: {fields['STATUS']}"


def test_munge_decodes_cross_node(node, peer, facts, check):
    _slurm(node)
    _mesh(node)
    result = facts.result("munge-peer")
    if "STATUS" not in result.stdout:
        detail = (result.stderr or "no output").strip().splitlines()
        pytest.fail(f"munge -n | ssh {peer.name} unmunge from {node.name} exited {result.rc}: {detail[-1]}")
    fields = facts.parsed("munge-peer", unmunge.parse, allow_rc=(0, 1, 2, 15, 16, 17))
    check.record(fields["STATUS"], "Success (0)")
    assert fields["status_code"] == 0, \
        f"a credential from {node.name} does not decode on {peer.name}: {fields['STATUS']} (different munge.key?)"


def test_srun_offers_declared_mpi_plugin(node, facts, check):
    _slurm(node)
    wanted = expect.declared(node, "slurm_mpi")
    if wanted is None:
        pytest.skip("no MPI plugin declared (bringup_expect.slurm_mpi)")
    plugins = facts.parsed("srun-mpi-list", srun_mpi_list.parse)
    check.record(" ".join(plugins), wanted)
    assert any(p == wanted.value or p.startswith(f"{wanted.value}_") for p in plugins), \
        f"srun --mpi=list on {node.name} offers {', '.join(plugins)}; {wanted}"


def test_srun_launches_on_node(node, facts, check):
    _slurm(node)
    result = facts.result("srun-launch")
    if result.rc == scheduler.NOT_LAUNCHED:
        pytest.skip(f"not launched: {result.stderr.strip()} (see test_slurmd_answers)")
    check.record(result.stdout.strip() or f"rc {result.rc}", node.name)
    detail = (result.stderr or "").strip().splitlines()
    assert result.rc == 0 and result.stdout.strip() == node.name, \
        f"srun -N1 -w {node.name} hostname exited {result.rc}: {detail[-1] if detail else result.stdout.strip()}"


def test_mpirun_places_one_rank_per_node(node, peer, facts, check):
    _mesh(node)
    counts = facts.parsed("mpirun-pair", hostname_counts.parse)
    wanted = {node.name: 1, peer.name: 1}
    check.record(counts, wanted)
    assert counts == wanted, f"mpirun --hostfile ({node.name}, {peer.name}) --map-by ppr:1:node placed {counts}"


def test_rail_bandwidth_meets_floor(node, rail, peer, facts, check):
    floor = expect.declared(node, "rail_bandwidth_gbps")
    if floor is None or not mesh_required(node):
        pytest.skip("no per-rail bandwidth floor declared (bringup_expect.rail_bandwidth_gbps)")
    report = json.loads(facts.output(f"iperf-{rail.name}"))
    end = report["end"]
    received = end.get("sum_received") or end["sum"]
    gbps = received["bits_per_second"] / 1e9
    check.at_least(f"{rail.name} {node.name} -> {peer.name} (iperf3 UDP 1 s, received)", round(gbps, 3), floor,
                   "Gb/s")
