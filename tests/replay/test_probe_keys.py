"""Captures, fault overlays and recorded runs name probes by the key their probe function declares
(bringup/probes/): a renamed key must break this test, not a user's replay of a recorded run."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bringup.inventory import load_inventory
from bringup.probes import kubeapi, plan_for, registered_layers
from tests.scenario_tools import SCENARIOS

CAPTURED = ["h100", "h100_sriov"]
# Not probes: the inputs the scenario's benchmark outputs are built from (the ethtool -S snapshots around a run,
# bringup/scenarios.py; the perftest client reports and NCCL job log, tests/scenarios/bench_captures.py).
BENCH_INPUTS = re.compile(r"^(counters-(before|after)-.+|perftest-(bw|lat|proof|gdr-host|gdr-cuda)-.+|nccl-job)$")


def planned_keys(inventory: Path) -> dict[str, set[str]]:
    """{subject: every probe key its plans ask for}, nodes and the kubectl subject alike."""
    cluster = load_inventory(str(inventory))
    keys = {n.name: {p.key for layer in registered_layers() for p in plan_for(n, layer)} for n in cluster.nodes}
    kubectl = kubeapi.subject(cluster)
    if kubectl is not None:
        keys[kubectl.name] = {p.key for p in kubeapi.plan(kubectl, list(cluster.nodes))}
    return keys


def capture_keys(folder: Path) -> set[str]:
    names = {f.name.rsplit(".", 1)[0] for f in folder.iterdir() if f.suffix in (".out", ".err", ".rc")}
    return {name for name in names if not BENCH_INPUTS.match(name)}


@pytest.mark.parametrize("scenario", CAPTURED)
def test_every_capture_file_is_a_planned_probe(scenario):
    base = SCENARIOS / scenario
    planned = planned_keys(base / "inventory")
    everyone = set().union(*planned.values())
    unknown = sorted(f"common/{k}" for k in capture_keys(base / "captures" / "common") - everyone)
    for subject, keys in planned.items():
        folder = base / "captures" / subject
        if folder.is_dir():
            unknown += sorted(f"{subject}/{k}" for k in capture_keys(folder) - keys)
    assert not unknown, f"captures no probe plan asks for (a renamed or removed probe?): {unknown}"


@pytest.mark.parametrize("scenario", CAPTURED)
def test_every_fault_edit_names_a_planned_probe(scenario):
    base = SCENARIOS / scenario
    planned = planned_keys(base / "inventory")
    unknown = []
    for fault in sorted((base / "faults").glob("*.yml")):
        for edit in yaml.safe_load(fault.read_text()).get("edits", []):
            if "key" in edit and edit["key"] not in planned.get(edit.get("node"), set()):
                unknown.append(f"{fault.name}: {edit.get('node')}/{edit['key']}")
    assert not unknown, f"fault edits of probes no plan asks for: {unknown}"


def test_the_recorded_device_run_names_planned_probes():
    recorded = SCENARIOS / "h100_device" / "recorded"
    planned = planned_keys(recorded / "inventory")
    unknown = []
    for path in sorted((recorded / "probes").glob("*/l*.json")):
        data = json.loads(path.read_text())
        unknown += [f"{path.parent.name}/{key}" for key in data.get("keys", {})
                    if key not in planned.get(data["node"], set())]
    assert not unknown, f"recorded probes no plan asks for: {unknown}"


def test_a_renamed_probe_is_caught(tmp_path, monkeypatch):
    """The check above is not vacuous: rename one probe function's key and the captures stop matching."""
    from bringup.probes import qos

    original = qos.pause
    monkeypatch.setattr(qos, "pause", lambda rail: original(rail).__class__(
        f"ethtool-pause-{rail.name}", original(rail).command))
    with pytest.raises(AssertionError, match=r"common/pause-rail0"):
        test_every_capture_file_is_a_planned_probe("h100")
