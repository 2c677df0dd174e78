"""The L15 judges on real captures (the recorded H100 nodes' scontrol, slurmd, munge and srun outputs; public
``scontrol show node`` records of a DOWN and a MIXED node; iperf 3.12 UDP reports and munge 0.5.15 run on
this machine): each passes on the healthy capture and fails, for the right reason, on a faulty one."""

from __future__ import annotations

from pathlib import Path

from bringup.checks import l15_scheduler as judge
from bringup.expect import Expected
from bringup.parsers import hostname_counts, iperf3_udp, scontrol_node, scontrol_ping, srun_mpi_list, unmunge
from bringup.probe.batch import CommandResult
from tests.unit.checks.captures import read

H100 = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def capture(name: str, node: str = "common", replace: tuple[str, str] | None = None) -> str:
    return read(H100 / node / name, *filter(None, [replace]))


def result(command: str, rc: int, stdout: str = "", stderr: str = "") -> CommandResult:
    return CommandResult(command, rc, stdout, stderr)


def test_slurmctld_answers():
    up = scontrol_ping.parse(capture("scontrol-ping.out"))
    good = judge.slurmctld_answers("node01", up, "slurm-head01")
    assert (good.outcome, good.measured, good.reference, good.source) == (
        "pass", "slurm-head01 UP", "slurm-head01 UP", "inventory bringup_slurm.controller")
    assert judge.slurmctld_answers("node01", up, None).outcome == "pass"
    elsewhere = judge.slurmctld_answers("node01", up, "slurm-head02")
    assert elsewhere.message == \
        "primary slurmctld is slurm-head01, inventory bringup_slurm.controller says slurm-head02"
    down = scontrol_ping.parse(capture("scontrol-ping.out", replace=(" is UP", " is DOWN")))
    bad = judge.slurmctld_answers("node01", down, "slurm-head01")
    assert bad.message == "scontrol ping on node01: primary slurmctld {'host': 'slurm-head01', 'state': 'DOWN'}"
    assert judge.slurmctld_answers("node01", {"backup": {"host": "h", "state": "UP"}}, None).message == \
        "scontrol ping on node01: primary slurmctld missing"


def test_slurmd_answers():
    good = judge.slurmd_answers("node01", result("scontrol show slurmd", 0, capture("slurmd.out", "node01")))
    assert (good.outcome, good.measured) == ("pass", "rc 0")
    # scontrol's slurm_perror() when no slurmd listens on this node (src/scontrol: "slurm_load_slurmd_status")
    down = result("scontrol show slurmd", 1, stderr="slurm_load_slurmd_status: Connection refused\n")
    bad = judge.slurmd_answers("node02", down)
    assert (bad.outcome, bad.measured) == ("fail", "rc 1")
    assert bad.message == ("slurmd on node02 does not answer (`scontrol show slurmd`: slurm_load_slurmd_status: "
                           "Connection refused)")
    assert judge.slurmd_answers("node02", result("scontrol show slurmd", 1)).message.endswith(": rc 1)")


def test_node_state():
    good = judge.node_state("node01", scontrol_node.parse(capture("node-state.out", "node01")))
    assert (good.outcome, good.measured) == ("pass", "IDLE")
    mixed = scontrol_node.parse((FIXTURES / "scontrol_node" / "slurm23_mixed_prompt.txt").read_text())
    assert judge.node_state("b-cn1703", mixed).outcome == "pass"  # MIXED: busy, healthy
    down = scontrol_node.parse((FIXTURES / "scontrol_node" / "slurm22_down_reason.txt").read_text())
    bad = judge.node_state("scc112-cpu3", down)
    assert bad.measured == "DOWN (Node unexpectedly rebooted [rocky@2024-09-23T04:54:01])"
    assert bad.message == ("Slurm node scc112-cpu3 is DOWN, reason: Node unexpectedly rebooted "
                           "[rocky@2024-09-23T04:54:01]")
    drained = scontrol_node.parse(capture("node-state.out", "node01", (" State=IDLE ", " State=IDLE+DRAIN ")))
    assert judge.node_state("node01", drained).message == "Slurm node node01 is IDLE+DRAIN"


def test_munge_local_and_cross_node():
    fields = unmunge.parse(capture("munge-local.out"))
    good = judge.munge_local("node01", fields)
    assert (good.outcome, good.measured) == ("pass", "Success (0)")
    # munge 0.5.15 prints STATUS with the metadata of an expired credential and exits 15
    expired = unmunge.parse(capture("munge-local.out", replace=("Success (0)", "Expired credential (15)")))
    assert judge.munge_local("node01", expired).message == "munge -n | unmunge on node01: Expired credential (15)"
    command = "munge -n | ssh -- node02 unmunge"
    assert judge.munge_cross_node("node01", "node02", result(command, 0, capture("munge-local.out")),
                                  fields).outcome == "pass"
    bad = judge.munge_cross_node("node01", "node02", result(command, 15), expired)
    assert bad.message == ("a credential from node01 does not decode on node02: Expired credential (15) "
                           "(different munge.key?)")
    # A credential of another key: munge 0.5.15 on this machine (two munged, two keys, `munge -n -S a | unmunge
    # -S b`) printed no STATUS, only this line on stderr, and exited 14 (EMUNGE_CRED_INVALID).
    foreign = result(command, 14, stderr="unmunge: Error: Invalid credential\n")
    assert judge.munge_cross_node("node01", "node02", foreign, None).message == \
        "munge -n | ssh node02 unmunge from node01 exited 14: unmunge: Error: Invalid credential"
    assert judge.munge_cross_node("node01", "node02", result(command, 255), None).message == \
        "munge -n | ssh node02 unmunge from node01 exited 255: no output"


def test_srun_offers_mpi():
    plugins = srun_mpi_list.parse(capture("srun-mpi-list.out"))
    pmix = judge.srun_offers_mpi("node01", plugins, Expected("pmix", "inventory bringup_expect.slurm_mpi"))
    assert (pmix.outcome, pmix.measured) == ("pass", "none cray_shasta pmi2 pmix pmix_v4")
    assert judge.srun_offers_mpi("node01", plugins, Expected("pmix_v4", "inventory")).outcome == "pass"
    bad = judge.srun_offers_mpi("node01", plugins, Expected("pmix_v5", "inventory bringup_expect.slurm_mpi"))
    assert bad.message == ("srun --mpi=list on node01 offers none, cray_shasta, pmi2, pmix, pmix_v4; "
                           "pmix_v5 (inventory bringup_expect.slurm_mpi)")


def test_srun_launches():
    command = "srun -N1 -w node01 --immediate=10 -t 1 hostname"
    good = judge.srun_launches("node01", result(command, 0, capture("srun-launch.out", "node01")))
    assert (good.outcome, good.measured, good.reference) == ("pass", "node01", "node01")
    refused = result(command, 1, stderr="srun: error: Unable to allocate resources: Requested node configuration "
                                        "is not available\n")
    bad = judge.srun_launches("node01", refused)
    assert (bad.measured, bad.message) == ("rc 1", "srun -N1 -w node01 hostname exited 1: srun: error: Unable to "
                                                   "allocate resources: Requested node configuration is not available")
    elsewhere = judge.srun_launches("node01", result(command, 0, capture("srun-launch.out", "node02")))
    assert elsewhere.message == "srun -N1 -w node01 hostname exited 0: node02"


def test_mpirun_one_rank_per_node():
    counts = hostname_counts.parse("      1 node01\n      1 node02\n")
    assert judge.mpirun_one_rank_per_node("node01", "node02", counts).outcome == "pass"
    # Open MPI 4.1 on this machine, both ranks on one host: `mpirun -np 2 --oversubscribe hostname | sort | uniq -c`
    both_here = hostname_counts.parse("      2 vm\n")
    bad = judge.mpirun_one_rank_per_node("vm", "node02", both_here)
    assert (bad.measured, bad.reference) == ({"vm": 2}, {"vm": 1, "node02": 1})
    assert bad.message == "mpirun --hostfile (vm, node02) --map-by ppr:1:node placed {'vm': 2}"


def test_rail_bandwidth_meets_floor():
    report = iperf3_udp.parse((FIXTURES / "iperf3_udp" / "loopback_2g.json").read_text())
    assert report.summary == "sum_received"
    floor = "inventory bringup_expect.rail_bandwidth_gbps"
    good = judge.rail_bandwidth("rail1", "node01", "node02", report, Expected(0.4, floor))
    assert (good.outcome, good.measured, good.reference, good.unit) == ("pass", 0.487, ">= 0.4", "Gb/s")
    bad = judge.rail_bandwidth("rail1", "node01", "node02", report, Expected(0.9, floor))
    assert bad.message == ("rail1 node01 -> node02 (iperf3 UDP 1 s, received): 0.487 Gb/s < 0.9 Gb/s "
                           "(inventory bringup_expect.rail_bandwidth_gbps)")
