"""A check's recorded measured/expected/unit are those of its last comparison (issue 9, item 9): the L3 link
check compares duplex, then speed; a wrong speed must be reported as the speed, not as the duplex."""

from __future__ import annotations

from types import SimpleNamespace

from bringup.checks.record import Check
from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, load_fault, replay


def props(item):
    return {k: v for k, v in item.user_properties}


def test_the_last_comparison_is_recorded_with_its_own_unit():
    item = SimpleNamespace(user_properties=[("layer", "3"), ("node", "node01")])
    check = Check(item)
    check.record("Full", "Full")
    check.record(200000, 400000, "Mb/s")
    assert props(item) == {"layer": "3", "node": "node01", "measured": "200000", "expected": "400000", "unit": "Mb/s"}
    check.record("Half", "Full")  # a later value without a unit drops the earlier value's unit
    assert props(item) == {"layer": "3", "node": "node01", "measured": "Half", "expected": "Full"}


def test_a_wrong_link_speed_is_reported_as_the_speed(tmp_path):
    run = build_healthy("h100", tmp_path / "run")
    apply_fault(run, load_fault(SCENARIOS / "h100" / "faults" / "link_200g.yml"))
    records, proc = replay(run, tmp_path / "reports", "--layers", "3", "--nodes", "node01",
                           "-k", "test_link_up_at_planned_speed")
    by_id = {r["nodeid"].split("::")[-1]: r for r in records}
    wrong = by_id["test_link_up_at_planned_speed[node01-rail1]"]
    assert wrong["outcome"] == "failed", proc.stdout[-2000:]
    declared = "400000 (inventory bringup_hardware.nic_speed_mbps)"
    assert (wrong["measured"], wrong["expected"], wrong["unit"]) == ("200000", declared, "Mb/s")
    healthy = by_id["test_link_up_at_planned_speed[node01-rail0]"]
    assert (healthy["outcome"], healthy["measured"], healthy["unit"]) == ("passed", "400000", "Mb/s")
