"""The live second pass through BenchRunner on a 4-node lab-profile cluster (a fake transport answering with
the lab's real iperf3 -J report), recorded under bench/; then the same blame offline (``bringup localize``)
and through ``pytest suites/ --replay`` with no node contacted."""

from __future__ import annotations

import csv
import json

import pytest

from bringup.bench import catalogue, plan
from bringup.bench.runner import BenchRunner
from bringup.bench.store import BenchStore
from bringup.cli import main
from bringup.inventory import write_resolved
from bringup.localize.pipeline import localize_case
from tests.localize_fakes import FakeLab, lab_cluster
from tests.scenario_tools import latest_run, replay

EVIDENCE = "node02 rail2 (leaf2 swp2): 0.0496 Gb/s vs 7.38-7.58 Gb/s with 2 partners"


def _first_pass(cluster, lab, run_dir):
    runs = [p for p in plan.plan_case(catalogue.default().case("iperf3-rail"), list(cluster.nodes)) if not p.skip]
    runner = BenchRunner(lab.transport_for, BenchStore(run_dir))
    nodes = {n.name: n for n in cluster.nodes}
    recorded = runner.run(plan.rounds(runs), nodes)
    return runner, nodes, [(p, recorded[p.id]) for p in runs]


@pytest.fixture(scope="module")
def throttled_run(tmp_path_factory):
    """node02's rail2 egress throttled: a live first pass (ring per rail) and second pass, recorded."""
    root = tmp_path_factory.mktemp("localize_live")
    cluster = lab_cluster(root)
    lab = FakeLab(cluster, {("node02", "rail2")})
    run_dir = root / "run"
    runner, nodes, first = _first_pass(cluster, lab, run_dir)
    first_clients = list(lab.clients)
    result = localize_case("iperf3-rail", first, None,
                           lambda planned: runner.run(plan.rounds(planned), nodes), cluster, run_dir)
    write_resolved(cluster, run_dir / "inventory")
    (run_dir / "probes").mkdir()  # a run directory's layout (the layers' probes: none needed here)
    return cluster, lab, run_dir, result, first_clients


def test_the_throttled_rail_is_blamed_after_two_good_partners(throttled_run):
    _, lab, run_dir, result, first_clients = throttled_run
    assert len(first_clients) == 8  # the ring on 4 nodes x 2 rails
    assert [(b.kind, b.node, b.rail, b.link, b.confidence) for b in result.blames] == [
        ("rail", "node02", "rail2", "leaf2 swp2", 1.0)]
    assert result.blames[0].evidence == EVIDENCE
    # Second pass: node02 sends to both good nodes of rail2, node03 receives from them, the slow pair again.
    assert sorted(lab.clients[8:]) == [("node01", "node03", "rail2"), ("node02", "node01", "rail2"),
                                       ("node02", "node03", "rail2"), ("node02", "node04", "rail2"),
                                       ("node04", "node03", "rail2")]
    assert (run_dir / "bench" / "iperf3-rail@rail2@node02+node01@retest" / "output.json").exists()
    assert result.summary == "8 runs, 1 slow (limit 6.36), 2 suspects re-tested in 5 runs, 1 blamed"


def test_a_healthy_lab_blames_nothing_and_launches_no_retest(tmp_path):
    cluster = lab_cluster(tmp_path)
    lab = FakeLab(cluster)
    runner, nodes, first = _first_pass(cluster, lab, tmp_path / "run")
    result = localize_case("iperf3-rail", first, None, lambda planned: runner.run(plan.rounds(planned), nodes),
                           cluster, tmp_path / "run")
    assert result.blames == [] and len(lab.clients) == 8
    assert result.summary == "8 runs, 0 slow (limit 6.36), 0 suspects re-tested in 0 runs, 0 blamed"


def test_offline_command_replays_the_recorded_second_pass(throttled_run, capsys):
    _, _, run_dir, _, _ = throttled_run
    assert main(["localize", str(run_dir)]) == 1
    out = capsys.readouterr().out
    assert "rail  node02 rail2 [leaf2 swp2] confidence 1.00 (iperf3-rail)" in out
    assert f"      {EVIDENCE}\n" in out


def test_offline_command_without_retests_is_inconclusive_and_blames_nothing(throttled_run, tmp_path, capsys):
    import shutil

    _, _, run_dir, _, _ = throttled_run
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    for retest in (copy / "bench").glob("*@retest"):
        shutil.rmtree(retest)
    assert main(["localize", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "1 slow" in out and "inconclusive: node02 rail2 (0 slow, 0 good partners), " \
                                "node03 rail2 (0 slow, 0 good partners)" in out
    assert out.rstrip().endswith("no blame")


@pytest.mark.parametrize("setup, message", [
    (lambda d: None, "no such run directory"),
    (lambda d: d.mkdir(), "no bench/ folder: the run recorded no benchmarks"),
    (lambda d: (d / "bench").mkdir(parents=True), "no inventory/ folder"),
])
def test_offline_command_on_a_bad_run_dir_exits_2_with_one_line(tmp_path, capsys, setup, message):
    target = tmp_path / "notarun"
    setup(target)
    assert main(["localize", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"bringup localize: {target}: {message}") and err.count("\n") == 1


def test_suite_replay_gives_the_same_blame_and_writes_blame_csv(throttled_run, tmp_path):
    _, _, run_dir, _, _ = throttled_run
    records, proc = replay(run_dir, tmp_path / "reports", "--layers", "9", "-k", "test_localize")
    found = {r["name"]: r for r in records}
    item = found["test_localize[iperf3-rail@node01]"]
    assert item["outcome"] == "failed", proc.stdout[-3000:]
    assert item["message"].startswith(f"rail {EVIDENCE} (confidence 1.00) [8 runs, 1 slow (limit 6.36), ")
    assert json.loads(item["blame1"]) == {"kind": "rail", "node": "node02", "rail": "rail2", "link": "leaf2 swp2",
                                          "confidence": 1.0, "evidence": EVIDENCE}
    rows = list(csv.DictReader((latest_run(tmp_path / "reports") / "bench" / "blame.csv").open()))
    assert rows == [{"node": "node02", "rail": "rail2", "link": "leaf2 swp2", "evidence": EVIDENCE,
                     "confidence": "1.0", "kind": "rail", "benchmark": "iperf3-rail"}]
