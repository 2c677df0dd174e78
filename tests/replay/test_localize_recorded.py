"""Localization input from a recorded run (bringup/localize/recorded.py) on the recorded H100 scenario: the
figure of a run through its parser, counter deltas from counters.json, the link from L3's LLDP capture (else
the cabling plan); and the 2-node scenario's half-rate rail through ``pytest suites/ --replay``: no good
partner exists, so nothing is blamed and the item says why."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from bringup.bench import catalogue, plan
from bringup.bench.store import BenchStore
from bringup.inventory import load_recorded
from bringup.localize import evidence, recorded
from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, latest_run, load_fault, replay

RAIL2 = "perftest-write-bw@rail2@node01+node02"


@pytest.fixture(scope="module")
def faulted(tmp_path_factory):
    """The H100 run with node01 rail2 mis-patched (LLDP: leaf3 swp9) and node02 rail2 dropping frames."""
    run = build_healthy("h100", tmp_path_factory.mktemp("h100loc") / "run")
    for name in ("cabling_wrong_leaf_port", "bench_lossless_discard"):
        apply_fault(run, load_fault(SCENARIOS / "h100" / "faults" / f"{name}.yml"))
    return run, load_recorded(run / "inventory")


def _planned(cluster, run_id):
    case = catalogue.default().case(run_id.split("@")[0])
    return next(p for p in plan.plan_case(case, list(cluster.nodes)) if p.id == run_id)


def test_a_runs_figure_is_its_bandwidth_at_the_judged_size(faulted):
    run, cluster = faulted
    planned = _planned(cluster, "perftest-write-bw@rail0@node01+node02")
    record = BenchStore(run).read(planned.id)
    assert recorded.figure(planned, record) == 392.18
    m = recorded.measure(planned, record)
    assert (m.sender, m.receiver, m.rail, m.value, m.run) == ("node01", "node02", "rail0", 392.18, planned.id)
    broken = type(record)(record.case, record.launch, type(record.outcome)(1, "", "ib_write_bw: Couldn't connect"))
    assert recorded.figure(planned, broken) is None


def test_link_comes_from_the_lldp_capture_else_the_cabling_plan(faulted):
    run, cluster = faulted
    seen = recorded.LinkOf(cluster, run)
    assert seen("node01", "rail2") == ("leaf3", "swp9")  # where it is really patched (L3's LLDP)
    assert seen("node02", "rail2") == ("leaf3", "swp2")
    assert recorded.LinkOf(cluster, None)("node01", "rail2") == ("leaf3", "swp1")  # the plan alone
    assert seen("node01", "") is None


def test_counter_deltas_sum_the_runs_snapshots(faulted):
    run, cluster = faulted
    records = {RAIL2: BenchStore(run).read(RAIL2)}
    deltas = recorded.CounterDeltas(records)("node02", "rail2", (RAIL2,))
    assert deltas["rx_discards_phy"] == 120455
    assert evidence.counters(deltas).startswith("rx_discards_phy +1.2e5")
    assert recorded.CounterDeltas(records)("node02", "rail2", ("not-a-run",)) == {}


def test_baseline_limit_is_the_judged_lower_limit():
    judged = pd.DataFrame({"case": ["a", "a", "b"], "metric": ["bandwidth", "bandwidth", "bandwidth"],
                           "size": [4096, 65536, 65536], "outcome": ["pass", "fail", "pass"],
                           "limit": [100.0, 372.0, 372.0]})
    assert recorded.baseline_limit(judged, ["a", "b"]) == 372.0
    assert recorded.baseline_limit(judged, ["c"]) is None and recorded.baseline_limit(None, ["a"]) is None


def test_two_node_scenario_cannot_localize_and_says_why(tmp_path):
    run = build_healthy("h100", tmp_path / "run")
    apply_fault(run, load_fault(SCENARIOS / "h100" / "faults" / "bench_rail_half_bandwidth.yml"))
    records, proc = replay(run, tmp_path / "reports", "--layers", "13", "-k", "test_localize")
    item = {r["name"]: r for r in records}["test_localize[perftest-write-bw@node01]"]
    assert item["outcome"] == "skipped", proc.stdout[-3000:]
    assert item["message"] == ("cannot localize: 16 runs, 1 slow (limit 380), 2 suspects re-tested in 0 runs, "
                               "0 blamed; inconclusive: node01 rail3 (0 slow, 0 good partners), "
                               "node02 rail3 (0 slow, 0 good partners)")
    rows = list(csv.reader((latest_run(tmp_path / "reports") / "bench" / "blame.csv").open()))
    assert rows == [["node", "rail", "link", "evidence", "confidence", "kind", "benchmark"]]
