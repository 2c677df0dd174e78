"""Running the suites on recorded scenarios as a user would (a pytest subprocess); building the scenarios'
run directories lives in :mod:`bringup.scenarios` (the demo uses it too)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from bringup.rundir import read_results
from bringup.scenarios import SCENARIOS, apply_fault, assemble_bench, build_healthy, load_fault  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "suites"


def run_suites(reports: Path, *args: str, timeout: float = 600) -> tuple[list[dict], subprocess.CompletedProcess]:
    """``pytest suites/ ARGS`` in a subprocess, as a user runs it; returns the run's result records."""
    proc = subprocess.run(
        # -p no:hypothesispytest: no suite uses hypothesis, and its plugin imports the whole of hypothesis at the
        # end of every session (about a second of CPU per subprocess, and the tests start hundreds of them).
        [sys.executable, "-m", "pytest", "suites/", "--reports-dir", str(reports), "-q", "-p", "no:hypothesispytest",
         *args],
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


_DEF = re.compile(r"^\s*def \w+\(([^)]*)\)", re.M)


def bench_reader_layers(suites: Path = SUITES) -> set[int]:
    """The layers whose checks read benchmark runs: a test in ``suites/lNN_*/`` that takes the ``bench`` fixture
    (each layer's ``test_benchmark_meets_baseline``, and the cross-layer readers: L8's proof by traffic reads the
    perftest counters, L12's NCCL GDR row reads the L13 Ring all_reduce, the localize items...)."""
    layers = set()
    for path in suites.glob("l[0-9][0-9]_*/*.py"):
        for params in _DEF.findall(path.read_text()):
            if "bench" in {p.split(":")[0].split("=")[0].strip() for p in params.split(",")}:
                layers.add(int(path.parent.name[1:3]))
    return layers


def fault_layers(run: Path, fault: dict) -> list[int]:
    """The layers a fault overlay can change a verdict in, so a replay of just these layers fails exactly what a
    replay of all of them fails.

    A check reads its own layer's recording only (``facts``/``kube`` probe ``probes/<node>/lNN.json`` of the
    item's layer; fleet checks read the other nodes at the same layer), and ``assemble`` records every probe of a
    layer's plan in that layer's file, so a probe edit reaches exactly the layers whose file records its key (the
    ones :func:`apply_fault` edits). Benchmark runs are read by the layers of :func:`bench_reader_layers`. Every
    other layer sees the healthy recording, which passes everything (``test_healthy_*``), and gating only ever
    turns a verdict above a failure into a skip, never into a failure."""
    layers: set[int] = set()
    for edit in fault["edits"]:
        if "bench" in edit:
            layers |= bench_reader_layers()
            continue
        for path in sorted((run / "probes" / edit["node"]).glob("l*.json")):
            if edit["key"] in json.loads(path.read_text())["keys"]:
                layers.add(int(path.stem[1:]))
    if not layers:
        raise AssertionError(f"fault {fault.get('description')!r}: its edits reach no recorded layer")
    return sorted(layers)
