"""Replay the recorded H100 scenario: healthy passes everything; each fault fails exactly its check.

A fault's replay runs only the layers its overlay reaches (:func:`tests.scenario_tools.fault_layers`): every
other layer replays the healthy recording, which the healthy test replays in full. A one-layer replay takes
about a third of the CPU of a fifteen-layer one, and there are ninety faults."""

from __future__ import annotations

import pytest

from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, fault_layers, load_fault, replay

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
    layers = fault_layers(run, fault)
    records, proc = replay(run, tmp_path / "reports", "--layers", ",".join(map(str, layers)))
    failed = sorted(r["name"] for r in records if r["outcome"] in ("failed", "error"))
    assert failed == sorted(fault["failed"]), proc.stdout[-3000:]
    assert {r["layer"] for r in records} <= set(layers)


# D1 (k8s-sriov-roce): the SR-IOV variant of the same nodes. Only the network layers are recorded for it
# (tests/scenarios/h100_sriov/README.md), so the run is limited to them.
SRIOV_LAYERS = [3, 4, 5, 7, 8, 9, 10]
SRIOV_FAULTS = sorted((SCENARIOS / "h100_sriov" / "faults").glob("*.yml"))


@pytest.fixture(scope="module")
def healthy_sriov(tmp_path_factory):
    from bringup.probe.recording import assemble

    base = SCENARIOS / "h100_sriov"
    return assemble(base / "inventory", base / "captures", tmp_path_factory.mktemp("h100_sriov") / "run",
                    layers=SRIOV_LAYERS)


def test_healthy_h100_sriov_passes_every_network_check(healthy_sriov, tmp_path):
    records, proc = replay(healthy_sriov, tmp_path, "--layers", ",".join(map(str, SRIOV_LAYERS)))
    bad = [(r["name"], r["message"]) for r in records if r["outcome"] in ("failed", "error")]
    assert not bad, proc.stdout[-3000:]
    assert any(r["outcome"] == "passed" and r["layer"] == 10 for r in records)


@pytest.mark.parametrize("fault_file", SRIOV_FAULTS, ids=[f.stem for f in SRIOV_FAULTS])
def test_sriov_fault_fails_only_its_check(fault_file, healthy_sriov, tmp_path):
    import shutil

    fault = load_fault(fault_file)
    run = tmp_path / "run"
    shutil.copytree(healthy_sriov, run)
    apply_fault(run, fault)
    layers = [layer for layer in fault_layers(run, fault) if layer in SRIOV_LAYERS]
    records, proc = replay(run, tmp_path / "reports", "--layers", ",".join(map(str, layers)))
    failed = sorted(r["name"] for r in records if r["outcome"] in ("failed", "error"))
    assert failed == sorted(fault["failed"]), proc.stdout[-3000:]
    assert {r["layer"] for r in records} <= set(layers)
