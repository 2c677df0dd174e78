"""Recorded replay scenarios: a healthy capture plus one fault overlay per failure mode.

A fault file (``tests/scenarios/<scenario>/faults/<name>.yml``)::

    description: PFC enabled on priority 4 instead of 3, rail 2 of node01
    failed:                       # exactly the checks that must fail (blocked higher layers don't count)
      - test_pfc_enabled_only_on_roce_priority[node01-rail2]
    edits:
      - node: node01
        key: mlnx_qos-enp58s0np0    # the probe key (see bringup/probes/)
        replace: ["enabled     0   0   0   1", "enabled     0   0   0   0"]   # old text must be present
      # or: stdout: "whole new output", rc: 1, stderr: "..."
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from bringup.probe.recording import assemble
from bringup.rundir import read_results

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def build_healthy(scenario: str, target: Path) -> Path:
    base = SCENARIOS / scenario
    return assemble(base / "inventory", base / "captures", target)


def apply_fault(run: Path, fault: dict) -> None:
    for edit in fault["edits"]:
        node = edit["node"]
        found = False
        # A probe that two layers read (the NCCL job of L12 and L13) is edited in every layer's recording.
        for path in sorted((run / "probes" / node).glob("l*.json")):
            record = json.loads(path.read_text())
            command = record["keys"].get(edit["key"])
            if command is None:
                continue
            found = True
            for result in record["results"]:
                if result["command"] != command:
                    continue
                if "replace" in edit:
                    old, new = edit["replace"]
                    if old not in result["stdout"]:
                        raise AssertionError(f"fault edit: {old!r} not in {node}/{edit['key']} output")
                    result["stdout"] = result["stdout"].replace(old, new, edit.get("count", 1))
                for field in ("stdout", "stderr", "rc"):
                    if field in edit:
                        result[field] = edit[field]
            path.write_text(json.dumps(record, indent=1))
        if not found:
            raise AssertionError(f"fault edit: no probe {edit['key']!r} recorded for {node}")


def run_suites(reports: Path, *args: str, timeout: float = 600) -> tuple[list[dict], subprocess.CompletedProcess]:
    """``pytest suites/ ARGS`` in a subprocess, as a user runs it; returns the run's result records."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "suites/", "--reports-dir", str(reports), "-q", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    return list(read_results(latest_run(reports, proc))), proc


def latest_run(reports: Path, proc: subprocess.CompletedProcess | None = None) -> Path:
    runs = sorted(p for p in reports.iterdir() if p.is_dir() and p.name != "latest") if reports.exists() else []
    if not runs:
        detail = f"\n{proc.stdout}\n{proc.stderr}" if proc else ""
        raise AssertionError(f"no run directory written under {reports}{detail}")
    return runs[-1]


def replay(run: Path, reports: Path, *extra: str) -> tuple[list[dict], subprocess.CompletedProcess]:
    """Run the suites on a recorded run directory, as a user would; return the result records."""
    return run_suites(reports, "--replay", str(run), *extra)


def load_fault(path: Path) -> dict:
    return yaml.safe_load(path.read_text())
