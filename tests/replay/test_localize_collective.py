"""A slow 8-node all_reduce localized live through BenchRunner (bringup/localize/pipeline.py): bisection runs
of the collective on subsets (mpirun hostfiles), then ib_write_bw per rail inside the smallest failing set
against the nodes the bisection cleared. A fake transport answers with real output formats: the nccl-tests
2-node capture (tests/fixtures/nccl_tests/all_reduce_2node.txt) and the H100 scenario's ib_write_bw report,
their headline figures set per run (a ring moves at its slowest link)."""

from __future__ import annotations

import shlex
import textwrap
from pathlib import Path

import pandas as pd

from bringup.bench import catalogue, plan
from bringup.bench.runner import BenchRunner
from bringup.bench.store import BenchStore
from bringup.cli import main
from bringup.inventory import load_inventory, write_resolved
from bringup.localize.pipeline import localize_collective_case
from tests.localize_fakes import Result

ROOT = Path(__file__).resolve().parents[1]
NCCL = (ROOT / "fixtures" / "nccl_tests" / "all_reduce_2node.txt").read_text()
PERFTEST = (ROOT / "scenarios" / "h100" / "bench" / "perftest-write-bw@rail0@node01+node02.out").read_text()
NAMES = [f"node0{i}" for i in range(1, 9)]
BAD = ("node06", "rail1")  # node06's rail1 at 40%


def _cluster(root: Path):
    inv = root / "inventory"
    (inv / "group_vars").mkdir(parents=True)
    (inv / "host_vars").mkdir()
    (inv / "hosts.yml").write_text("all:\n  hosts:\n" + "".join(f"    {n}: {{ansible_connection: local}}\n"
                                                                for n in NAMES))
    (inv / "group_vars" / "all.yml").write_text(textwrap.dedent("""\
        bringup_design: baremetal-mpi-roce
        bringup_profile: h100-cx7-400g
        bringup_hardware: {gpus: 8, nics: 2, bmc: false}
        bringup_cabling_plan: cabling.csv
        """))
    rows = ["node,rail,leaf,port"]
    for i, name in enumerate(NAMES, 1):
        (inv / "host_vars" / f"{name}.yml").write_text(
            f"bringup_rails:\n- {{name: rail0, netdev: enp24s0np0, rdma_device: mlx5_0, address: 198.19.16.1{i}/24}}\n"
            f"- {{name: rail1, netdev: enp42s0np0, rdma_device: mlx5_1, address: 198.19.17.1{i}/24}}\n")
        rows += [f"{name},rail0,leaf1,swp{i}", f"{name},rail1,leaf2,swp{i}"]
    (inv / "cabling.csv").write_text("\n".join(rows) + "\n")
    return load_inventory(str(inv))


class FakeFabric:
    def __init__(self, cluster):
        self.where = {str(r.address.ip): (n.name, r.name) for n in cluster.nodes for r in n.rails}
        self.groups: list[tuple[str, ...]] = []
        self.pairs: list[tuple[str, str, str]] = []

    def transport_for(self, node):
        fabric = self

        class Transport:
            def run_batch(self, commands, timeout):
                return [fabric.answer(node.name, script) for script in commands]

        return Transport()

    def answer(self, me: str, script: str) -> Result:
        lines = script.strip().splitlines()
        if "mpirun" in script:
            words = shlex.split(script)  # the hostfile is a quoted multi-line printf argument
            hostfile = words[words.index("printf") + 2]
            members = tuple(line.split()[0] for line in hostfile.splitlines())
            self.groups.append(members)
            factor = 0.4 if BAD[0] in members else 1.0
            return Result(0, NCCL.replace("191.91  359.84", f"{191.91 * factor:.2f}  {359.84 * factor:.2f}"))
        last = shlex.split(lines[-1]) if lines and "setsid" not in lines[-1] else []
        if last[:1] and last[0].endswith("ib_write_bw"):
            far, rail = self.where[last[-1]]
            self.pairs.append((me, far, rail))
            slow = BAD in ((me, rail), (far, rail))
            return Result(0, PERFTEST.replace("392.18", "156.87" if slow else "392.18"))
        return Result(0)  # servers, counter snapshots (empty: no counters to diff)


def test_a_slow_all_reduce_is_bisected_and_its_bad_rail_blamed(tmp_path, capsys):
    cluster = _cluster(tmp_path)
    fabric = FakeFabric(cluster)
    nodes = {n.name: n for n in cluster.nodes}
    runner = BenchRunner(fabric.transport_for, BenchStore(tmp_path / "run"))
    run = next(p for p in plan.plan_case(catalogue.default().case("nccl-all_reduce-ring"), list(cluster.nodes)))
    record = runner.run([[run]], nodes)[run.id]
    # The judged rows: the 8-node ring against a 340 GB/s limit, the pair benchmark against 392 x 0.97.
    judged = pd.DataFrame({"case": [run.id, "perftest-write-bw@rail0@node01+node02"], "metric": ["busbw", "bandwidth"],
                           "size": [8589934592, 65536], "outcome": ["fail", "pass"], "limit": [340.0, 380.24]})
    result = localize_collective_case(run, record, judged, lambda planned: runner.run(plan.rounds(planned), nodes),
                                      cluster, tmp_path / "run")
    loc = result.localization
    # The whole set, then two halving rounds, each round's halves side by side (in either order).
    assert fabric.groups[0] == tuple(NAMES)
    assert sorted(fabric.groups[1:3]) == [tuple(NAMES[:4]), tuple(NAMES[4:])]
    assert sorted(fabric.groups[3:]) == [("node05", "node06"), ("node07", "node08")]
    assert loc.bisection.failing == [("node05", "node06")] and loc.bisection.rounds == 2
    assert [(b.kind, b.node, b.rail, b.link) for b in result.blames] == [("rail", "node06", "rail1", "leaf2 swp6")]
    assert result.blames[0].evidence == "node06 rail1 (leaf2 swp6): 157 Gb/s vs 392 Gb/s with 3 partners"
    assert sorted(p for p in fabric.pairs if p[2] == "rail0") == [("node05", "node06", "rail0")]
    assert result.summary.startswith("below its baseline limit 340, bisected in 2 rounds to node05+node06; pairs: "
                                     "2 runs, 1 slow (limit 380), 2 suspects re-tested in 7 runs, 1 blamed")
    bisected = sorted(p.name for p in (tmp_path / "run" / "bench").glob("*@bisect-*"))
    assert len(bisected) == 4 and bisected[0] == "nccl-all_reduce-ring@node01+node02+node03+node04@bisect-ba3ebe85"
    # Offline, from the records alone (the suite writes verdicts.csv and the inventory copy): the same blame.
    BenchStore(tmp_path / "run").write_table("verdicts", judged)
    write_resolved(cluster, tmp_path / "run" / "inventory")
    launched = len(fabric.groups) + len(fabric.pairs)
    assert main(["localize", str(tmp_path / "run")]) == 1
    out = capsys.readouterr().out
    assert "rail  node06 rail1 [leaf2 swp6] confidence 1.00 (nccl-all_reduce-ring)" in out
    assert "node06 rail1 (leaf2 swp6): 157 Gb/s vs 392 Gb/s with 3 partners" in out
    assert len(fabric.groups) + len(fabric.pairs) == launched  # nothing launched offline
