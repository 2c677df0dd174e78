"""Replay the recorded H100 scenario: healthy passes everything; each fault fails exactly its check."""

from __future__ import annotations

import pytest

from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, load_fault, replay

FAULTS = sorted((SCENARIOS / "h100" / "faults").glob("*.yml"))


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100") / "run")


def test_healthy_h100_passes_every_check(healthy, tmp_path):
    records, proc = replay(healthy, tmp_path)
    bad = [(r["name"], r["message"]) for r in records if r["outcome"] in ("failed", "error")]
    assert not bad, proc.stdout[-3000:]
    assert any(r["outcome"] == "passed" for r in records)


@pytest.mark.parametrize("fault_file", FAULTS, ids=[f.stem for f in FAULTS])
def test_fault_fails_only_its_check(fault_file, healthy, tmp_path):
    import shutil

    fault = load_fault(fault_file)
    run = tmp_path / "run"
    shutil.copytree(healthy, run)
    apply_fault(run, fault)
    records, proc = replay(run, tmp_path / "reports")
    failed = sorted(r["name"] for r in records if r["outcome"] in ("failed", "error"))
    assert failed == sorted(fault["failed"]), proc.stdout[-3000:]
