"""The fault matrix: a real 3-node x 2-rail lab, each fault injected in turn, the suites run against it.

For every fault the suite must fail the check that names it, on the faulty node (and rail), at the layer
layers.md puts it; fail nothing on the healthy nodes; and block the faulty node's higher layers. The lab is
built once per module (``bringup lab up`` + ``bringup provision --inventory lab``, i.e. the project's own
playbooks) and torn down in a finally, even when a test fails.

Needs root and the Debian packages .ci/run installs; marked ``lab``. About 4-6 minutes on 2 cores.
"""

from __future__ import annotations

import pytest

from tests.lab_harness import bringup, provisioned_lab, run_suites

pytestmark = pytest.mark.lab

FAULTY = "node02"

RING_PREDECESSOR = "node01"  # pings node02 on every rail (bringup.pairs)

# fault, rail, layer and check the suite must fail first on the faulty node, and the item (rail) it must name.
MATRIX = [
    ("link-down", "rail1", 3, "test_link_up_at_planned_speed", "rail1"),
    ("mtu", "rail2", 4, "test_jumbo_ping_to_rail_peer", "rail2"),
    ("cable-swap", "rail1", 3, "test_lldp_neighbour_matches_cabling_plan", None),  # rail1 and rail2 both crossed
    ("route", "rail1", 9, "test_rail_table_routes_via_rail", "rail1"),
    ("throttle", "rail1", 15, "test_rail_bandwidth_meets_floor", "rail1"),
    ("slurmd-stop", None, 15, "test_slurmd_answers", None),
    ("unreachable", None, 1, "test_", None),  # every L1 check errors: "node02 unreachable: ... refused"
]

# Known and accepted: the L4 jumbo ping (suites/l04_underlay) runs from each node to its ring neighbour, so a
# rail fault on node02 that breaks the path also fails node01's ping *to* node02 on that rail. That check has
# no peer parameter, so gating cannot block it; the matrix allows exactly this symptom and nothing else.
PEER_L4_SYMPTOM = {"link-down", "mtu", "cable-swap"}


def _accepted_elsewhere(fault: str, record: dict) -> bool:
    return (fault in PEER_L4_SYMPTOM and record.get("node") == RING_PREDECESSOR and record["layer"] == 4
            and "test_jumbo_ping_to_rail_peer" in record["name"] and FAULTY in record["message"])


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with provisioned_lab(3, 2):
        yield tmp_path_factory.mktemp("lab-reports")


def test_healthy_lab_fails_nothing(lab):
    run = run_suites(lab)
    assert not run.bad(), f"a healthy lab failed checks ({run.path}):\n{run.summary()}"
    assert any(r["outcome"] == "passed" and r["layer"] == 15 for r in run.records), "no L15 check ran"


@pytest.mark.parametrize("fault,rail,layer,check_name,item", MATRIX, ids=[m[0] for m in MATRIX])
def test_fault_is_caught_at_its_layer_on_its_node(lab, fault, rail, layer, check_name, item):
    inject = bringup("lab", "inject", fault, FAULTY, *([rail] if rail else []))
    assert inject.returncode == 0, f"inject {fault}: {inject.stderr}"
    try:
        run = run_suites(lab, "--no-benchmarks")  # the layer checks; benchmarks have their own tests below
    finally:
        heal = bringup("lab", "heal")
        assert heal.returncode == 0, f"heal after {fault}: {heal.stderr}"
    bad = run.bad()
    elsewhere = [r for r in bad if r.get("node") != FAULTY and not _accepted_elsewhere(fault, r)]
    assert not elsewhere, f"{fault} on {FAULTY} failed checks on healthy nodes ({run.path}):\n{run.summary(elsewhere)}"
    mine = [r for r in bad if r.get("node") == FAULTY]
    assert mine, f"{fault} on {FAULTY} {rail or ''}: no check failed ({run.path})"
    first = min(r["layer"] for r in mine)
    at_layer = [r for r in mine if r["layer"] == first]
    assert first == layer, f"{fault}: first failure at L{first}, expected L{layer}:\n{run.summary(mine)}"
    assert any(check_name in r["name"] for r in at_layer), \
        f"{fault}: no failing check named like {check_name!r} at L{layer}:\n{run.summary(at_layer)}"
    if item:
        assert all(r.get("item") in (None, item) for r in at_layer) and any(r.get("item") == item for r in at_layer), \
            f"{fault}: expected the failures to name {item}:\n{run.summary(at_layer)}"
    above = [r for r in run.of(FAULTY) if r["layer"] > first and r["outcome"] not in ("blocked", "skipped")]
    assert not above, f"{fault}: {FAULTY}'s layers above L{first} were not blocked:\n{run.summary(above)}"


def test_bad_input_on_a_running_lab(lab):
    again = bringup("lab", "up", "--nodes", "3")
    assert again.returncode == 1 and "a lab is already up (3 nodes x 2 rails" in again.stderr, again.stderr
    assert "--force" in again.stderr
    unknown = bringup("lab", "inject", "link-down", "node09", "rail1")
    assert unknown.returncode == 1 and "valid nodes: node01, node02, node03" in unknown.stderr
    status = bringup("lab", "status")
    assert status.returncode == 0 and "node02" in status.stdout and "faults: none" in status.stdout


def test_throttled_rail_fails_its_benchmark_on_the_sending_node(lab):
    """tc tbf (50 Mbit/s) on node02's rail1 egress: iperf3 from node02 on rail1 (the ring's node02 -> node03 run)
    falls far under baselines/lab/iperf3.yaml (the line rate, 0.495 Gb/s); the runs node02 only serves, and
    every other rail, pass."""
    inject = bringup("lab", "inject", "throttle", FAULTY, "rail1")
    assert inject.returncode == 0, f"inject throttle: {inject.stderr}"
    try:
        run = run_suites(lab, "--layers", "9", "-k", "benchmark")
    finally:
        heal = bringup("lab", "heal")
        assert heal.returncode == 0, f"heal after throttle: {heal.stderr}"
    bad = {r["name"]: r for r in run.bad()}
    assert list(bad) == ["test_benchmark_meets_baseline[iperf3-rail@rail1@node02+node03]"], run.summary()
    message = bad["test_benchmark_meets_baseline[iperf3-rail@rail1@node02+node03]"]["message"]
    assert message.startswith("iperf3_tcp 128 KiB bandwidth ") and "under 0.495 Gb/s (lower -20%, " in message
    passed = {r["name"] for r in run.records if r["outcome"] == "passed"}
    assert "test_benchmark_meets_baseline[iperf3-rail@rail1@node01+node02]" in passed  # node02 only receives
