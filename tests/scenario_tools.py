"""Running the suites on recorded scenarios as a user would (a pytest subprocess); building the scenarios'
run directories lives in :mod:`bringup.scenarios` (the demo uses it too)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bringup.rundir import read_results
from bringup.scenarios import SCENARIOS, apply_fault, assemble_bench, build_healthy, load_fault  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


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
