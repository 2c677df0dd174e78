"""The plugins load through their ``pytest11`` entry points (no conftest.py needed), each once, under its module's
name; the run's state lives in ``config.stash``, not in a module global."""

from __future__ import annotations

import ast
import importlib
import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from tests.scenario_tools import ROOT, SUITES, latest_run

PLUGINS = ("bringup.plugin", "bringup.bench.suite", "bringup.report.html_plugin", "bringup.history.gate_plugin",
           "bringup.localize.suite")
PLUGIN_PARTS = ("bringup.plugin", "bringup.suite.session", "bringup.suite.collection", "bringup.suite.fixtures",
                "bringup.suite.recording")


def test_every_plugin_has_an_entry_point_named_after_its_module():
    found = {ep.name: ep.value for ep in entry_points(group="pytest11") if ep.dist.name == "bringup"}
    assert found == {name: name for name in PLUGINS}


def test_this_run_registered_each_plugin_once_under_its_module_name(pytestconfig):
    manager = pytestconfig.pluginmanager
    for name in (*PLUGINS, "bringup.suite.fixtures"):
        assert manager.get_plugin(name) is importlib.import_module(name), name
    conftest = ast.parse((ROOT / "conftest.py").read_text())  # the entry points load them, once
    assert "pytest_plugins" not in {t.id for node in ast.walk(conftest) if isinstance(node, ast.Assign)
                                    for t in node.targets if isinstance(t, ast.Name)}
    assert manager.get_plugin("bringup-results") is None  # the recorder is registered by suite runs only


def test_no_plugin_module_keeps_state_in_a_global():
    for name in PLUGIN_PARTS:
        module = importlib.import_module(name)
        mutable = {key: type(value).__name__ for key, value in vars(module).items()
                   if not key.startswith("__") and isinstance(value, (dict, list, set, pytest.Config))}
        assert mutable == {}, name
    assert not hasattr(importlib.import_module("bringup.plugin"), "_CONFIG")


@pytest.mark.parametrize("hook", ["pytest_sessionfinish", "pytest_terminal_summary"])
def test_the_run_ends_history_gate_then_results_then_html(pytestconfig, hook):
    # versions.json's write error must reach meta.json and the exit status; summary.html reads the final meta.json
    impls = getattr(pytestconfig.pluginmanager.hook, hook).get_hookimpls()
    called = [impl.plugin_name for impl in reversed(impls)]  # pluggy calls the last of the list first
    assert called.index("bringup.history.gate_plugin") < called.index("bringup.plugin") \
        < called.index("bringup.report.html_plugin"), called


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """One layer's suite copied to a folder with no conftest.py or pytest config above it."""
    folder = tmp_path_factory.mktemp("outside")
    shutil.copytree(SUITES / "l01_hardware", folder / "l01_hardware", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def run_outside(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "l01_hardware", "--rootdir", str(folder), "-q",
                           "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args],
                          cwd=folder, capture_output=True, text=True, timeout=300, env={**os.environ, **env})


def test_the_suites_run_outside_the_repo_and_record_every_check(outside):
    # -p bringup.plugin (as tests/plugin/test_rundir_safety.py runs it) must not register it a second time
    proc = run_outside(outside, "--replay", "demo", "--reports-dir", str(outside / "reports"), "-p", "bringup.plugin",
                       "-p", "no:bringup.report.html_plugin")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    run = latest_run(outside / "reports", proc)
    records = [json.loads(line) for line in (run / "results.jsonl").read_text().splitlines()]
    assert len(records) == 64 and {r["outcome"] for r in records} == {"passed"} and {r["layer"] for r in records} == {1}
    assert json.loads((run / "meta.json").read_text())["counts"] == {"passed": 64}
    assert (run / "junit.xml").exists() and (run / "versions.json").exists()
    assert not (run / "summary.html").exists()  # -p no:<module name> disables that one plugin
    assert f"run directory: {run}" in proc.stdout


def test_without_entry_points_pytest_does_not_know_the_options(outside):
    proc = run_outside(outside, "--replay", "demo", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR
    assert "unrecognized arguments: --replay demo" in proc.stderr
