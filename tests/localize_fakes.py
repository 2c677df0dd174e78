"""A 4-node lab-profile cluster whose benchmarks a fake transport answers with real iperf3 -J reports.

The report is the lab's own capture (tests/fixtures/iperf3/lab_rail1_node01_to_node02.json, iperf 3.12 on the
lab's veth rails) with its ``end.sum_received`` figure set per pair: 7.73 Gb/s as captured, less 0.05 Gb/s per
node index so pairs differ, and 0.0496 Gb/s (the lab's tbf throttle capture) when a throttled node sends.
"""

from __future__ import annotations

import json
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path

from bringup.inventory import load_inventory

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "iperf3" / "lab_rail1_node01_to_node02.json"
NODES = ("node01", "node02", "node03", "node04")


def lab_cluster(root: Path):
    """node01..04, rails rail1/rail2 on 198.18.1.0/24 and 198.18.2.0/24, leaf1/leaf2 swp<N> in the plan."""
    inv = root / "inventory"
    (inv / "group_vars").mkdir(parents=True)
    (inv / "host_vars").mkdir()
    hosts = "".join(f"    {n}: {{ansible_connection: local}}\n" for n in NODES)
    (inv / "hosts.yml").write_text("all:\n  hosts:\n" + hosts)
    (inv / "group_vars" / "all.yml").write_text(textwrap.dedent("""\
        bringup_design: baremetal-mpi-roce
        bringup_profile: lab
        bringup_hardware: {gpus: 0, nics: 0, bmc: false}
        bringup_cabling_plan: cabling.csv
        """))
    rows = ["node,rail,leaf,port"]
    for i, name in enumerate(NODES, 1):
        (inv / "host_vars" / f"{name}.yml").write_text(
            f"bringup_rails:\n- {{name: rail1, netdev: rail1, address: 198.18.1.1{i}/24}}\n"
            f"- {{name: rail2, netdev: rail2, address: 198.18.2.1{i}/24}}\n")
        rows += [f"{name},rail1,leaf1,swp{i}", f"{name},rail2,leaf2,swp{i}"]
    (inv / "cabling.csv").write_text("\n".join(rows) + "\n")
    return load_inventory(str(inv))


def iperf3_report(gbps: float) -> str:
    data = json.loads(FIXTURE.read_text())
    seconds = data["end"]["sum_received"]["seconds"]
    data["end"]["sum_received"]["bits_per_second"] = gbps * 1e9
    data["end"]["sum_received"]["bytes"] = int(gbps * 1e9 * seconds / 8)
    return json.dumps(data, indent="\t")


@dataclass
class Result:
    rc: int
    stdout: str = ""
    stderr: str = ""


class FakeLab:
    """``transport_for(node)`` for BenchRunner: servers start, clients print a report; every launch counted."""

    def __init__(self, cluster, throttled: set[tuple[str, str]] = frozenset()):
        self.throttled = set(throttled)  # (node, rail) whose egress is limited
        self.where = {str(r.address.ip): (n.name, r.name) for n in cluster.nodes for r in n.rails}
        self.clients: list[tuple[str, str, str]] = []

    def figure(self, sender: str, receiver: str, rail: str) -> float:
        if (sender, rail) in self.throttled:
            return 0.0496
        return round(7.73 - 0.05 * (int(sender[-2:]) + int(receiver[-2:])), 2)

    def transport_for(self, node):
        lab = self

        class Transport:
            def run_batch(self, commands, timeout):
                out = []
                for script in commands:
                    last = shlex.split(script.strip().splitlines()[-1])
                    if last[:1] == ["iperf3"] and "-c" in last:
                        far, near = last[last.index("-c") + 1], last[last.index("-B") + 1]
                        (sender, rail), (receiver, _) = lab.where[near], lab.where[far]
                        lab.clients.append((sender, receiver, rail))
                        out.append(Result(0, iperf3_report(lab.figure(sender, receiver, rail))))
                    else:
                        out.append(Result(0))  # the server script (started, listening)
                return out

        return Transport()
