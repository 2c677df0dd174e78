"""Planning benchmark runs from the catalogue and an inventory: ids, skips with reasons, disjoint rounds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bringup.bench import catalogue, plan, verdict
from bringup.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]


def _planned(inventory: str) -> dict[str, plan.Planned]:
    cluster = load_inventory(str(ROOT / inventory))
    runs = plan.plan(catalogue.default().for_design(cluster.design.id), list(cluster.nodes))
    return {p.id: p for p in runs}


def test_h100_pair_gets_every_rail_pair_node_pair_and_collective():
    runs = _planned("tests/scenarios/h100/inventory")
    assert [i for i in runs if i.startswith("perftest-write-bw@")] == [  # pairing ring: each node sends once
        f"perftest-write-bw@rail{i}@{pair}" for pair in ("node01+node02", "node02+node01") for i in range(8)]
    assert runs["perftest-write-bw-gpu@rail5@node02+node01"].layer == 12
    assert runs["nccl-all_reduce-ring@node01+node02"].case.env["NCCL_ALGO"] == "Ring"
    assert runs["nccl-all_reduce-1node@node02"].node_names == ("node02",)
    assert runs["iperf3-rail@node01"].skip == ("iperf3-rail runs in the lab only (bringup_profile: lab); "
                                               "node01 is h100-cx7-400g")
    assert all(p.skip is None for i, p in runs.items() if not i.startswith(("iperf3", "netpipe")))


def test_one_node_pair_benchmarks_skip_naming_why():
    runs = _planned("inventories/local")
    assert runs["osu-bw-hh@localhost"].skip == "osu-bw-hh needs RDMA rails; inventory declares no rdma_device for localhost"


def test_hybrid_pairs_stay_inside_their_launcher_domain():
    runs = _planned("inventories/examples/hybrid-k8s-slurm-roce")
    pairs = {p.node_names for p in runs.values() if p.case.id == "osu-bw-hh"}
    assert pairs == {("hpc01", "hpc02"), ("k8s01", "k8s02")}


def test_rounds_never_share_a_node_and_keep_disjoint_runs_together():
    runs = list(_planned("tests/scenarios/h100/inventory").values())
    rounds = plan.rounds([p for p in runs if p.skip is None])
    for r in rounds:
        names = [n for p in r for n in p.node_names]
        assert len(names) == len(set(names))
    first = {p.id for p in rounds[0]}
    assert first == {"perftest-write-bw@rail0@node01+node02"}  # the pair is busy: one run at a time
    singles = [r for r in rounds if {p.case.id for p in r} == {"nccl-all_reduce-1node"}]
    assert len(singles) == 1 and len(singles[0]) == 2  # node01 and node02 measure NVLink at once


def _judged(outcomes: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"outcome": o, "message": m, "size": i, "value": 1.0 + i, "unit": "GB/s", "reference": 2.0}
                         for i, (o, m) in enumerate(outcomes)])


def test_fold_fail_beats_warn_beats_pass_and_counters_fail_a_passing_run():
    assert verdict.fold(_judged([("pass", ""), ("warn", "w1"), ("fail", "f1")])).outcome == "fail"
    warned = verdict.fold(_judged([("pass", ""), ("warn", "w1")]))
    assert (warned.outcome, warned.message, warned.warnings) == ("warn", "w1", ("w1",))
    assert verdict.fold(_judged([("pass", "")])).outcome == "pass"
    moved = verdict.fold(_judged([("pass", "")]), counter_failures=["node02 rail2 rx_discards_phy +5: drop"])
    assert (moved.outcome, moved.message) == ("fail", "node02 rail2 rx_discards_phy +5: drop")
    assert verdict.fold(_judged([("no-baseline", "nb")])).outcome == "no-baseline"
    assert verdict.fold(None, launch_error="killed").message == "killed"
    assert verdict.fold(_judged([])).message == "the benchmark printed no result rows"
