"""tests/conftest.py under pytest-xdist: which tests run alone, which share a worker, and the lock that makes a
test run alone; and the fault scenarios' layer selection (tests/scenario_tools.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests import conftest
from tests.scenario_tools import ROOT, SCENARIOS, bench_reader_layers, build_healthy, fault_layers, load_fault


@pytest.mark.parametrize("line, alone", [
    ("    assert 6 <= time.monotonic() - start < 11", True),
    ("    assert time.perf_counter() - started < 1.0  # quadratic", True),
    ("    assert time.time() - t0 < 3", True),
    ("    elapsed = time.monotonic() - start", False),  # measured, not asserted
    ("    assert report.seconds >= 2.9", False),
])
def test_a_wall_clock_assertion_makes_a_test_run_alone(line, alone):
    assert bool(conftest.WALL_CLOCK_BOUND.search(line)) is alone


GROUPS = """
import sys, pytest
from tests import conftest
class Show:
    def pytest_collection_finish(self, session):
        for item in session.items:
            print("GROUP", item.nodeid, conftest.group_of(item), conftest.runs_alone(item))
sys.exit(pytest.main(["--co", "-q", "-p", "no:cacheprovider", *sys.argv[1:]], plugins=[Show()]))
"""


def test_the_trees_lab_sshd_and_timing_tests_are_found():
    proc = subprocess.run([sys.executable, "-c", GROUPS, "tests/live/test_transports.py", "tests/lab/test_lab_units.py",
                           "tests/live/test_bounded_sessions.py", "tests/plugin/test_rundir_safety.py",
                           "tests/lab/test_lab_fault_argv.py"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    rows = [line[len("GROUP "):].rsplit(" ", 2) for line in proc.stdout.splitlines() if line.startswith("GROUP ")]
    found = {nodeid: (group, alone) for nodeid, group, alone in rows}
    assert found, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert found["tests/live/test_transports.py::test_ssh_paramiko_and_ansible_backends_agree"] == ("sshd", "False")
    assert found["tests/live/test_transports.py::test_ssh_options_parsing"] == ("None", "False")  # no sshd fixture
    assert found["tests/lab/test_lab_units.py::test_pair_selection"] == ("lab", "False")
    assert found["tests/live/test_bounded_sessions.py::test_a_node_that_never_answers_is_named_within_the_bound[ssh]"] == (
        "sshd", "True")
    assert found["tests/live/test_bounded_sessions.py::test_a_local_session_that_never_answers_is_stopped"] == (
        "None", "True")
    assert found["tests/lab/test_lab_fault_argv.py::test_flap_starts_one_loop_records_it_and_heal_stops_it"] == (
        "lab", "True")  # listed in FLAKY_UNDER_LOAD
    assert found["tests/lab/test_lab_fault_argv.py::test_heal_never_kills_a_reused_pid"] == ("lab", "False")
    alone = {n.split("::")[1].split("[")[0] for n, (_, a) in found.items() if a == "True" and "rundir" in n}
    assert alone == {"test_redaction_stays_linear_on_long_hostile_text"}, alone


def test_a_test_running_alone_waits_for_the_shared_ones_and_holds_them_off(tmp_path: Path):
    order: list[str] = []
    shared_in, alone_waiting = threading.Event(), threading.Event()
    release_shared = threading.Event()

    def shared():
        with conftest.machine_share(tmp_path, alone=False):
            order.append("shared starts")
            shared_in.set()
            release_shared.wait(10)
            order.append("shared ends")

    def alone():
        shared_in.wait(10)
        alone_waiting.set()
        with conftest.machine_share(tmp_path, alone=True):
            order.append("alone runs")

    def late_shared():
        alone_waiting.wait(10)
        threading.Event().wait(0.3)  # the one running alone is queued by now
        with conftest.machine_share(tmp_path, alone=False):
            order.append("late shared")

    threads = [threading.Thread(target=f) for f in (shared, alone, late_shared)]
    for t in threads:
        t.start()
    alone_waiting.wait(10)
    threading.Event().wait(0.6)
    assert order == ["shared starts"]  # neither the one running alone nor the late one got in
    release_shared.set()
    for t in threads:
        t.join(10)
    assert order == ["shared starts", "shared ends", "alone runs", "late shared"]


def test_bench_readers_are_the_layers_with_a_bench_fixture(tmp_path):
    (tmp_path / "l05_x").mkdir()
    (tmp_path / "l05_x" / "test_a.py").write_text("def test_a(node, bench, check):\n    pass\n")
    (tmp_path / "l06_y").mkdir()
    (tmp_path / "l06_y" / "test_b.py").write_text("def test_b(node, bench_note):\n    bench = 1\n")
    assert bench_reader_layers(tmp_path) == {5}
    assert bench_reader_layers() == {8, 9, 11, 12, 13, 15}  # L8 proof by traffic .. L15 benchmarks


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100") / "run")


@pytest.mark.parametrize("fault, layers", [
    ("fec_off", [3]),
    ("bar1_legacy_window", [2, 11]),  # one probe recorded at two layers
    ("pfc_pause_on_priority_0", [3, 5]),  # two probes
    ("bench_acs_halved", [8, 9, 11, 12, 13, 15]),
])
def test_fault_layers(healthy, fault, layers):
    assert fault_layers(healthy, load_fault(SCENARIOS / "h100" / "faults" / f"{fault}.yml")) == layers


def test_a_fault_that_reaches_no_layer_is_an_error(healthy):
    with pytest.raises(AssertionError, match="'typo': its edits reach no recorded layer"):
        fault_layers(healthy, {"description": "typo", "edits": [{"node": "node01", "key": "no-such-key"}]})
