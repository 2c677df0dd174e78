"""The plugin as users run it: `pytest suites/ ...` in a subprocess, judged by its output and run directory."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import xmlschema
from xml.etree import ElementTree

from junitparser import JUnitXml

from bringup.report import junit
from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, latest_run, load_fault, replay, run_suites

SCHEMA = Path(__file__).parents[1] / "schemas" / "junit.xsd"


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100") / "run")


@pytest.fixture(scope="module")
def gpu_missing(healthy, tmp_path_factory):
    """node01 fails L1 (7 of 8 GPUs), so its higher layers are blocked."""
    run = tmp_path_factory.mktemp("gpu_missing") / "run"
    shutil.copytree(healthy, run)
    apply_fault(run, load_fault(SCENARIOS / "h100" / "faults" / "gpu_missing.yml"))
    return run


def outcomes(records):
    return {r["nodeid"]: r["outcome"] for r in records}


def test_local_run_writes_a_complete_run_directory(tmp_path):
    records, proc = run_suites(tmp_path, "--inventory", "local")
    assert proc.returncode == 0, proc.stdout
    run = latest_run(tmp_path)
    assert (tmp_path / "latest").resolve() == run
    meta = json.loads((run / "meta.json").read_text())
    assert meta["inventory_digest"] and meta["tool_version"] and meta["ended"] >= meta["started"]
    assert meta["design"] == "baremetal-mpi-roce"
    assert (run / "probes" / "localhost" / "l01.json").exists()
    assert (run / "inventory" / "hosts.yml").exists()
    assert {r["layer"] for r in records} >= {1, 6}
    assert all(r["outcome"] in ("passed", "skipped") for r in records), records
    # the terminal summary: layers absent from the design, the layer x node table, the run path
    out = proc.stdout
    assert "L10 sriov: not in design D4 (baremetal-mpi-roce)" in out
    # the column width follows the longest layer label, so match the header loosely
    assert re.search(r"^layer +localhost$", out, re.M) and "L01 hardware" in out
    assert f"run directory: {run}" in out


def test_skips_name_the_inventory_reason(tmp_path):
    records, _ = run_suites(tmp_path, "--inventory", "local", "--layers", "1")
    reasons = {r["name"]: r["message"] for r in records if r["outcome"] == "skipped"}
    assert reasons["test_gpu_count_matches_profile[localhost]"] == "inventory declares no GPUs for localhost"


def test_junit_is_schema_valid_with_one_testcase_per_check(healthy, tmp_path):
    records, _ = replay(healthy, tmp_path)
    xml = latest_run(tmp_path) / "junit.xml"
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(xml))
    cases = ElementTree.parse(xml).getroot().findall("./testsuite/testcase")
    assert len(cases) == len(records)
    props = junit.case_properties(JUnitXml.fromfile(str(xml)))[cases[0].get("name")]
    assert props["layer"] == "1" and props["node"] == "node01" and "measured" in props and "expected" in props


def test_gating_blocks_higher_layers_of_the_failed_node_only(gpu_missing, tmp_path):
    records, proc = replay(gpu_missing, tmp_path)
    by_id = {r["name"]: r for r in records}
    assert by_id["test_gpu_count_matches_profile[node01]"]["outcome"] == "failed"
    blocked = [r for r in records if r["outcome"] == "blocked"]
    cause = "blocked: node01 failed at L01: test_gpu_count_matches_profile[node01]"
    assert blocked and all(r["message"] == cause for r in blocked)  # node01's, and pairs with node01 as peer
    assert all(r["outcome"] == "blocked" for r in records if r["node"] == "node01" and r["layer"] > 1)
    assert not [r for r in records if r["node"] == "node02" and r["outcome"] in ("failed", "error")]
    assert "L01 hardware" in proc.stdout


def test_no_gate_runs_the_higher_layers(gpu_missing, tmp_path):
    records, _ = replay(gpu_missing, tmp_path, "--no-gate")
    assert not [r for r in records if r["outcome"] == "blocked"]
    assert [r for r in records if r["node"] == "node01" and r["layer"] == 6 and r["outcome"] == "passed"]


def test_xdist_gives_the_same_verdicts(gpu_missing, tmp_path):
    serial, _ = replay(gpu_missing, tmp_path / "serial")
    parallel, proc = replay(gpu_missing, tmp_path / "xdist", "-n", "4")
    assert outcomes(parallel) == outcomes(serial), proc.stdout[-2000:]


def test_replay_of_a_live_run_gives_the_same_verdicts(tmp_path):
    live, _ = run_suites(tmp_path / "live", "--inventory", "local")
    again, _ = replay(latest_run(tmp_path / "live"), tmp_path / "replay")
    assert outcomes(again) == outcomes(live)


def test_layer_node_and_marker_selection(healthy, tmp_path):
    only_l6, _ = replay(healthy, tmp_path / "a", "--layers", "6")
    assert {r["layer"] for r in only_l6} == {6}
    only_node2, _ = replay(healthy, tmp_path / "b", "--nodes", "node02")
    assert {r["node"] for r in only_node2} == {"node02"}
    by_marker, _ = replay(healthy, tmp_path / "c", "-m", "l01")
    assert {r["layer"] for r in by_marker} == {1}


def test_ids_read_like_a_sentence(healthy, tmp_path):
    records, _ = replay(healthy, tmp_path, "--layers", "1")
    assert "test_cpu_count_matches_profile[node02]" in {r["name"] for r in records}


def test_report_command_rebuilds_junit(healthy, tmp_path):
    from bringup.cli import main

    replay(healthy, tmp_path)
    run = latest_run(tmp_path)
    (run / "junit.xml").unlink()
    assert main(["report", str(run)]) == 0
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(run / "junit.xml"))
