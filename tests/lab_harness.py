"""Helpers for the lab end-to-end tests: run the suites against the lab and read the run directory back.

The suites run in a subprocess (as a user runs them), with their own reports folder, and the verdicts are
read from ``results.jsonl``: one record per check with its layer, node, item (rail) and outcome.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lab_unavailable() -> str | None:
    """None when this machine can run a lab, else why not (for pytest.skip)."""
    if os.geteuid() != 0:
        return "the lab needs root"
    for tool in ("/usr/sbin/sshd", "/usr/sbin/lldpd", "/usr/sbin/slurmctld", "/usr/bin/mpirun", "/usr/sbin/munged"):
        if not Path(tool).exists():
            return f"{tool} is not installed (.ci/run installs it)"
    return None


@contextlib.contextmanager
def provisioned_lab(nodes: int, rails: int) -> Iterator[None]:
    """A lab of ``nodes`` x ``rails``, up and provisioned with the project's playbooks, torn down after. Skips
    where this machine cannot run a lab, or where one is already up (someone's lab: never replaced by a test)."""
    reason = lab_unavailable()
    if reason:
        pytest.skip(reason)
    up = bringup("lab", "up", "--nodes", str(nodes), "--rails", str(rails))
    if up.returncode != 0 and "already up" in up.stderr:
        pytest.skip(f"a lab is already up on this host; not replacing it ({up.stderr.strip()})")
    try:
        assert up.returncode == 0, f"bringup lab up failed:\n{up.stdout}{up.stderr}"
        provision = bringup("provision", "--inventory", "lab", timeout=900)
        assert provision.returncode == 0, f"bringup provision --inventory lab failed:\n{provision.stdout[-4000:]}"
        yield
    finally:
        down = bringup("lab", "down")
        assert down.returncode == 0, f"bringup lab down failed: {down.stderr}"


def bringup(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bringup.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


@dataclass
class Run:
    records: list[dict]
    path: Path
    output: str

    def bad(self) -> list[dict]:
        return [r for r in self.records if r["outcome"] in ("failed", "error")]

    def of(self, node: str) -> list[dict]:
        return [r for r in self.records if r.get("node") == node]

    def summary(self, records: list[dict] | None = None) -> str:
        rows = records if records is not None else self.bad()
        return "\n".join(f"  L{r['layer']:02d} {r['outcome']:7} {r['name']}: {r['message'][:160]}" for r in rows)


def run_suites(reports: Path, *extra: str, timeout: float = 300) -> Run:
    reports.mkdir(parents=True, exist_ok=True)
    before = set(reports.iterdir())
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "suites/", "--inventory", "lab", "-q",
         "-p", "no:cacheprovider", "--reports-dir", str(reports), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    new = [p for p in set(reports.iterdir()) - before if not p.is_symlink() and (p / "results.jsonl").exists()]
    assert len(new) == 1, f"expected one new run directory in {reports}, got {new}\n{proc.stdout[-3000:]}"
    records = [json.loads(line) for line in (new[0] / "results.jsonl").read_text().splitlines() if line.strip()]
    return Run(records, new[0], proc.stdout + proc.stderr)
