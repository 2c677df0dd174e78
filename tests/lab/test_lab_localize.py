"""Localization and the history gate proven on the real lab (issue 12 item 6, issue 11 item 2).

One 5-node x 2-rail lab, built and provisioned once for the module (the project's playbooks), every rail at the
lab's line rate (tbf 500 Mbit/s, bringup/lab/faults.py). The suites run the lab's benchmarks as a user runs
them (``pytest suites/ --inventory lab --layers 9 -k "benchmark or localize"``: per-rail ``iperf3 -J`` in a
ring, then the second pass of bringup.localize against known-good partners) and the verdict is read from the
run directory's ``bench/blame.csv``:

* healthy runs blame nothing (L9 iperf3 and L15 NetPIPE through srun);
* each fault is blamed on the right node and rail, and on nothing else: tbf on node02's rail2 (the node's
  egress), tbf on the leaf side of node02's rail1 (the switch port only), the leaf port of node02's rail1 at
  MTU 1500, node02's rail1 flapping (its leaf port down 1 s in every 3);
* a slow node (busy loops in node02's cgroup, sharing its CPU budget) is blamed on node02, kind node, and
  nothing else;
* the history gate (bringup.history.gate.judge_run over this module's reports folder) raises no alarm on a
  healthy run judged against the earlier healthy runs, and calls node02 rail2 regressed when it runs 10% under
  line rate (which the baseline alone lets pass: 0.45 Gb/s is above its 0.396 floor).

Why 5 nodes: a fault that slows both directions of one rail (leaf MTU, flap) makes its two ring neighbours
suspects too; the second pass needs two other good nodes on that rail to blame it (bringup.localize.secondpass
MIN_PARTNERS), which a ring of 4 does not leave. benchmarks/lab_rail_variance.py is the 10-run version of the
healthy and gate proofs.

Needs root and the Debian packages .ci/run installs; marked ``lab``. About 7 minutes on 2 cores, and the slow node
adds 4-5 (22.8 minutes in all, measured on a VM loaded by other test runs: provisioning alone took 12).
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pytest

from bringup.history import load_history
from bringup.history.gate import judge_run, load_policy
from tests.lab_harness import bringup, provisioned_lab, run_suites

pytestmark = pytest.mark.lab

NODES, RAILS = 5, 2
L9 = ("--layers", "9", "-k", "benchmark or localize")
HEALTHY_RUNS = 4  # the gate judges the 4th against the 3 before it (min_window 3 here, 5 in the policy)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with provisioned_lab(NODES, RAILS):
        yield tmp_path_factory.mktemp("lab-localize")


def blames(run) -> list[tuple[str, str, str, str]]:
    """(benchmark, kind, node, rail) of every row of RUN/bench/blame.csv."""
    path = run.path / "bench" / "blame.csv"
    assert path.is_file(), f"no bench/blame.csv in {run.path}:\n{run.output[-3000:]}"
    with path.open() as fh:
        return [(r["benchmark"], r["kind"], r["node"], r["rail"]) for r in csv.DictReader(fh)]


def with_fault(reports, fault: str, node: str, rail: str | None, *extra: str, layers=L9):
    inject = bringup("lab", "inject", fault, node, *([rail] if rail else []), *extra)
    assert inject.returncode == 0, f"inject {fault}: {inject.stderr}"
    try:
        return run_suites(reports, *layers, timeout=600)
    finally:
        heal = bringup("lab", "heal")
        assert heal.returncode == 0, f"heal after {fault}: {heal.stderr}"


@pytest.fixture(scope="module")
def history(lab):
    """HEALTHY_RUNS healthy L9 runs in one reports folder (the first also runs L15's NetPIPE), then the 10% one."""
    folder = lab / "history"
    healthy = [run_suites(folder, "--layers", "9,15" if i == 0 else "9", "-k", "benchmark or localize",
                          timeout=600) for i in range(HEALTHY_RUNS)]
    throttled = with_fault(folder, "throttle", "node02", "rail2", "--percent", "10")
    return folder, healthy, throttled


def test_healthy_runs_blame_nothing(history):
    _, healthy, _ = history
    for run in healthy:
        assert not run.bad(), f"a healthy lab failed checks ({run.path}):\n{run.summary()}"
        assert blames(run) == [], f"a healthy run blamed something ({run.path})"
    # one test_localize item per localized case (its id names the case, then the node it is grouped on)
    localized = {r["name"].split("[")[1].split("@")[0]: r["outcome"] for r in healthy[0].records
                 if r["name"].startswith("test_localize[")}
    assert localized == {"iperf3-rail": "passed", "netpipe-pair": "passed"}


def test_gate_is_quiet_on_a_healthy_run_and_catches_a_10_percent_throttle(history):
    folder, healthy, throttled = history
    frame = load_history(folder)
    policy = replace(load_policy(), window_runs=3, min_window=3)
    last = healthy[-1].path.name
    assert judge_run(frame, last, policy) == [], f"false alarm on healthy run {last}"
    alarms = judge_run(frame, throttled.path.name, policy)
    keys = sorted(f.key for f in alarms)
    assert len(alarms) == 1 and "rail2@node02+node03" in keys[0] and alarms[0].status == "regressed", \
        "\n".join(f"{f.key}: {f.status}: {f.message}" for f in alarms)
    # the baseline alone lets a 10% slow rail pass (0.45 Gb/s is above its 0.396 floor; it warns): only the
    # history sees it, and the second pass blames nothing (10% is inside the fleet's 3-sigma band)
    item = "test_benchmark_meets_baseline[iperf3-rail@rail2@node02+node03]"
    assert [r["outcome"] for r in throttled.records if r["name"] == item] == ["passed"], throttled.summary()
    assert blames(throttled) == []


# fault, node, rail, extra inject args -> the one blame expected (kind, node, rail) on the iperf3-rail runs.
FAULTS = [
    ("throttle", "node02", "rail2", ()),  # tbf 50 Mbit/s on node02's rail2 egress: node02 sends slowly
    ("leaf-throttle", "node02", "rail1", ()),  # tbf on leaf1's swp2 toward node02: node02 receives slowly
    ("leaf-mtu", "node02", "rail1", ()),  # leaf1 swp2 at MTU 1500: jumbo frames to and from node02 dropped
    ("flap", "node02", "rail1", ()),  # leaf1 swp2 down 1 s in every 3 during the run
]


@pytest.mark.parametrize("fault,node,rail,extra", FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_is_blamed_on_its_node_and_rail_only(lab, fault, node, rail, extra):
    run = with_fault(lab / fault, fault, node, rail, *extra)
    assert blames(run) == [("iperf3-rail", "rail", node, rail)], \
        f"{fault} on {node} {rail} ({run.path}):\n{run.summary()}"
    localize = [r for r in run.records if r["name"].startswith("test_localize[iperf3-rail")]
    assert [r["outcome"] for r in localize] == ["failed"] and f"{node} {rail}" in localize[0]["message"], localize


def test_slow_node_is_blamed_on_that_node_only(lab):
    """Busy loops in node02's cgroup, pinned with its processes to one CPU (bringup/lab/faults.py): its iperf3
    falls to ~0.2 Gb/s on both rails, both ways, while the other nodes' pairs keep the line rate, so the blame
    is the node itself (bringup.localize.blame: a node blamed on every rail it was tested on), not two rails.
    About 4-5 minutes: every SSH login to node02 takes seconds, and the second pass re-tests 8 suspects."""
    budget = json.loads(bringup("lab", "status", "--json").stdout).get("cpu_budget") or ""
    if budget.startswith("none"):
        pytest.skip(f"slow-node needs a cgroup per node, and this host's lab has none ({budget})")
    run = with_fault(lab / "slow-node", "slow-node", "node02", None)
    assert blames(run) == [("iperf3-rail", "node", "node02", "all")], f"slow-node on node02 ({run.path}):\n" \
                                                                       f"{run.summary()}"
    localize = [r for r in run.records if r["name"].startswith("test_localize[iperf3-rail")]
    assert [r["outcome"] for r in localize] == ["failed"] and "node node02 all 2 rails" in localize[0]["message"], \
        localize
    bad = {(r["node"], r["name"].split("[")[1].split("@")[0]) for r in run.bad() if "node02" not in r["name"]}
    assert bad == {("node01", "iperf3-rail")}, run.summary()  # only the localize item grouped on node01
