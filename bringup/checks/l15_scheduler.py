"""Layer 15 judges: Slurm (controller, slurmd, node state, munge, MPI plugins, a launch) and the mpirun launcher
(layers.md L15: D2, D4, D5 Slurm side), plus the per-rail bandwidth job between ring neighbours.

Pure: each takes parsed facts (bringup.parsers: scontrol_ping, scontrol_node, unmunge, srun_mpi_list,
hostname_counts, iperf3_udp) or a probe's raw result (a launch is judged by its exit status and what it
printed) and returns the check's one Verdict; suites/l15_scheduler/test_scheduler.py records it.
"""

from __future__ import annotations

from bringup.checks.verdict import Verdict, at_least, holds
from bringup.expect import Expected
from bringup.parsers import scontrol_node

LAYER = "layers.md L15"
# layers.md L15: "idle/mixed; no drain reasons". ALLOCATED/COMPLETING are a busy but healthy node.
HEALTHY_STATES = {"IDLE", "MIXED", "ALLOCATED", "COMPLETING"}
UNHEALTHY_FLAGS = {"DRAIN", "DRAINING", "DRAINED", "DOWN", "NOT_RESPONDING", "FAIL", "FAILING", "MAINTENANCE"}
# unmunge's STATUS code for a credential that decoded (munge(7) "ERROR CODES": EMUNGE_SUCCESS is 0).
MUNGE_SUCCESS = 0


def _last(result, fallback: str) -> str:
    detail = (result.stderr or result.stdout).strip().splitlines()
    return detail[-1] if detail else fallback


def slurmctld_answers(node: str, controllers: dict[str, dict[str, str]], controller: str | None) -> Verdict:
    """``scontrol ping``: the primary slurmctld is UP, on the host the inventory names (bringup_slurm.controller)
    where it names one."""
    primary = controllers.get("primary", {})
    measured = f"{primary.get('host')} {primary.get('state')}"
    reference = f"{controller or 'primary'} UP"
    source = "inventory bringup_slurm.controller" if controller else LAYER
    if primary.get("state") != "UP":
        return holds("primary slurmctld", False, measured, reference, source,
                     f"scontrol ping on {node}: primary slurmctld {primary or 'missing'}")
    return holds("primary slurmctld", not controller or primary["host"] == controller, measured, reference, source,
                 f"primary slurmctld is {primary['host']}, inventory bringup_slurm.controller says {controller}")


def slurmd_answers(node: str, result) -> Verdict:
    """``scontrol show slurmd`` answers only while this node's slurmd runs (its rc is the answer)."""
    return holds("slurmd", result.rc == 0, f"rc {result.rc}", "rc 0", LAYER,
                 f"slurmd on {node} does not answer (`scontrol show slurmd`: {_last(result, f'rc {result.rc}')})")


def node_state(node: str, record: dict[str, str]) -> Verdict:
    """layers.md L15 "idle/mixed; no drain reasons": a drained, down or not-responding node takes no jobs."""
    base, flags = scontrol_node.state_flags(record["State"])
    reason = record.get("Reason", "")
    measured = record["State"] + (f" ({reason})" if reason and reason != "(null)" else "")
    return holds("Slurm node state", base in HEALTHY_STATES and not flags & UNHEALTHY_FLAGS, measured,
                 "IDLE or MIXED", LAYER,
                 f"Slurm node {node} is {record['State']}" + (f", reason: {reason}" if reason else ""))


def munge_local(node: str, fields: dict) -> Verdict:
    """``munge -n | unmunge``: munged runs and decodes its own credential (Slurm authenticates every RPC so)."""
    return holds("munge credential decoded locally", fields["status_code"] == MUNGE_SUCCESS, fields["STATUS"],
                 "Success (0)", LAYER, f"munge -n | unmunge on {node}: {fields['STATUS']}")


def munge_cross_node(node: str, peer: str, result, fields: dict | None) -> Verdict:
    """``munge -n | ssh <peer> unmunge``: a credential made here decodes on the peer, so both hold the same
    munge.key. ``fields`` is None when unmunge printed no STATUS (ssh or unmunge never ran)."""
    what = f"munge credential from {node} decoded on {peer}"
    if fields is None:
        detail = (result.stderr or "no output").strip().splitlines()
        return holds(what, False, f"rc {result.rc}", "Success (0)", LAYER,
                     f"munge -n | ssh {peer} unmunge from {node} exited {result.rc}: "
                     f"{detail[-1] if detail else 'no output'}")
    return holds(what, fields["status_code"] == MUNGE_SUCCESS, fields["STATUS"], "Success (0)", LAYER,
                 f"a credential from {node} does not decode on {peer}: {fields['STATUS']} (different munge.key?)")


def srun_offers_mpi(node: str, plugins: list[str], wanted: Expected) -> Verdict:
    """``srun --mpi=list`` offers the declared plugin type, or a version of it (``pmix`` is met by ``pmix_v4``)."""
    ok = any(p == wanted.value or p.startswith(f"{wanted.value}_") for p in plugins)
    return holds("srun MPI plugin", ok, " ".join(plugins), wanted.value, wanted.source,
                 f"srun --mpi=list on {node} offers {', '.join(plugins)}; {wanted}")


def srun_launches(node: str, result) -> Verdict:
    """``srun -N1 -w <node> hostname`` ran one task on this node and it printed the node's name."""
    printed = result.stdout.strip()
    detail = (result.stderr or "").strip().splitlines()
    return holds("srun launch", result.rc == 0 and printed == node, printed or f"rc {result.rc}", node, LAYER,
                 f"srun -N1 -w {node} hostname exited {result.rc}: {detail[-1] if detail else printed}")


def mpirun_one_rank_per_node(node: str, peer: str, counts: dict[str, int]) -> Verdict:
    """layers.md L15 D4: ``mpirun --hostfile`` with ``--map-by ppr:1:node`` places one rank on each host."""
    wanted = {node: 1, peer: 1}
    return holds("mpirun placement", counts == wanted, counts, wanted, LAYER,
                 f"mpirun --hostfile ({node}, {peer}) --map-by ppr:1:node placed {counts}")


def rail_bandwidth(rail: str, node: str, peer: str, report, floor: Expected) -> Verdict:
    """What the peer received of a 1 s UDP stream on the rail, at least the declared floor (Gb/s)."""
    return at_least(f"{rail} {node} -> {peer} (iperf3 UDP 1 s, received)", round(report.received_gbps, 3), floor,
                    "Gb/s")
