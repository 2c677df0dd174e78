"""The embedded demo: ``pytest suites/ --replay demo``.

A newcomer without a GPU cluster should see what the tool finds, not a page of skips. The demo is a replay of
the recorded 2-node H100 cluster (``tests/scenarios/h100``: every probe's raw output, every benchmark's output
and the NIC counters around it) with one fault laid over it, built fresh into ``<reports>/.demo/`` and then
replayed like any recorded run: every check, the benchmarks against ``baselines/h100-cx7-400g/``, gating and
the report. Nothing is contacted.

The fault is a rail negotiated down to half rate between the two nodes (``faults/bench_rail_half_bandwidth``):
one link, seen by the perftest and NCCL sendrecv benchmarks on that rail and by the L13 fleet-outlier check,
while every other rail, collective and layer stays healthy: the run ends with three failures that all point at
one cable.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from bringup.inventory import load_recorded_yaml, write_resolved

NAME = "demo"
SCENARIO = "h100"
FAULT = "bench_rail_half_bandwidth"
CLUSTER_NAME = "demo-h100"
FOLDER = ".demo"


def is_demo(replay: str | None) -> bool:
    """``--replay demo`` means the demo unless a run directory really is called ``demo`` here."""
    return replay == NAME and not Path(NAME).exists()


def build(reports_root: Path) -> Path:
    """Assemble the demo's recorded run under ``reports_root/.demo/`` (replacing an older one) and return it."""
    from bringup import scenarios

    target = Path(reports_root) / FOLDER / CLUSTER_NAME
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    run = scenarios.build_healthy(SCENARIO, target)
    scenarios.apply_fault(run, scenarios.load_fault(scenarios.SCENARIOS / SCENARIO / "faults" / f"{FAULT}.yml"))
    # The run is named after the demo (reports/<date>-demo-h100-<id>), not after the scenario's folder.
    cluster = dataclasses.replace(load_recorded_yaml(run / "inventory"), name=CLUSTER_NAME)
    write_resolved(cluster, run / "inventory")
    return run


def recorded(reports_root: Path) -> Path:
    """The demo's recorded run, built when missing (xdist workers reuse the controller's)."""
    run = Path(reports_root) / FOLDER / CLUSTER_NAME
    return run if (run / "probes").is_dir() else build(reports_root)
