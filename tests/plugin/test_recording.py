"""A report becomes one result record (bringup/suite/recording.py), and junit.xml carries its properties: a
benchmark's warning among them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from junitparser import JUnitXml

from bringup.bench.suite import judge_item
from bringup.bench.verdict import CaseVerdict
from bringup.checks.record import Check
from bringup.report import junit
from bringup.suite.recording import outcome, record_of

NODEID = "suites/l13_comm_libs/test_l13_benchmarks.py::test_benchmark_meets_baseline[perftest-write-bw@rail3]"


def report(when="call", outcome="passed", longrepr=None, props=(("layer", 13), ("node", "node01"))):
    return pytest.TestReport(NODEID, ("x.py", 1, "t"), {}, outcome, longrepr, when, duration=0.123456,
                             user_properties=list(props))


def test_a_passed_call_is_recorded_with_its_properties():
    assert record_of(report()) == {
        "nodeid": NODEID, "name": NODEID.partition("::")[2], "classname": "suites.l13_comm_libs.test_l13_benchmarks",
        "outcome": "passed", "message": "", "duration": 0.1235, "when": "call", "layer": 13, "node": "node01"}


def test_a_passed_setup_or_a_non_suite_item_is_not_recorded():
    assert record_of(report(when="setup")) is None
    assert record_of(report(when="teardown")) is None
    assert record_of(report(props=())) is None  # no layer: not a suite item


def test_a_gated_skip_is_blocked_and_a_setup_error_names_the_node_without_the_class():
    blocked = report(outcome="skipped", longrepr=("x.py", 1, "Skipped: blocked: node01 failed at L01: test_x"))
    assert outcome(blocked) == ("blocked", "blocked: node01 failed at L01: test_x")
    assert outcome(report(outcome="skipped", longrepr=("x.py", 1, "Skipped: no rails"))) == ("skipped", "no rails")
    error = report(when="setup", outcome="failed",
                   longrepr="bringup.probe.transport.NodeUnreachable: node01 unreachable: timed out")
    assert record_of(error)["outcome"] == "error"
    assert record_of(error)["message"] == "node01 unreachable: timed out"
    failed = report(outcome="failed", longrepr="AssertionError: 195.93 Gb/s under 380")
    assert outcome(failed) == ("failed", "195.93 Gb/s under 380")


def test_a_benchmark_warning_reaches_junit_as_the_warning_property(tmp_path):
    item = SimpleNamespace(user_properties=[("layer", 13), ("node", "node01")])
    found = CaseVerdict("warn", "within the warn band", "372", "380", "Gb/s",
                        warnings=("perftest-write-bw@rail3: 372 Gb/s is 2.1% under 380 (warn band 3%)",))
    bench = SimpleNamespace(verdict=lambda run: found)
    judge_item(None, bench, Check(item), lambda name, value: item.user_properties.append((name, value)))
    record = record_of(report(props=item.user_properties))
    junit.write([record], "run", tmp_path / "junit.xml")
    props = junit.case_properties(JUnitXml.fromfile(str(tmp_path / "junit.xml")))[record["name"]]
    assert props["warning"] == "perftest-write-bw@rail3: 372 Gb/s is 2.1% under 380 (warn band 3%)"
    assert props["measured"] == "372" and props["unit"] == "Gb/s"
