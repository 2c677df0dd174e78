"""Recorded scenarios: the tests' and the demo's run directories, built from captures.

A scenario (``tests/scenarios/<name>/``) is a healthy capture plus one fault overlay per failure mode. The
tests replay them; ``pytest suites/ --replay demo`` replays one of them with one fault (:mod:`bringup.demo`).

A fault file (``tests/scenarios/<scenario>/faults/<name>.yml``)::

    description: PFC enabled on priority 4 instead of 3, rail 2 of node01
    failed:                       # exactly the checks that must fail (blocked higher layers don't count)
      - test_pfc_enabled_only_on_roce_priority[node01-rail2]
    edits:
      - node: node01
        key: mlnx_qos-enp58s0np0    # the probe key (see bringup/probes/)
        replace: ["enabled     0   0   0   1", "enabled     0   0   0   0"]   # old text must be present
      # or: stdout: "whole new output", rc: 1, stderr: "..."
      - bench: nccl-all_reduce-ring@node01+node02   # a benchmark run (bringup/bench/plan.py id)
        stdout_file: all_reduce_acs_halved          # <scenario>/bench/faults/<name>.out, or stdout/replace
        # or: rc, stderr, error, timed_out; counters: {node01: {rail2: {replace: [old, new]}}} edits the
        # ethtool -S snapshot taken after the run

A scenario's ``bench/<run id>.out`` files are the benchmarks' outputs (``tests/scenarios/bench_captures.py``);
``build_healthy`` records them as a live run would (launch, output, counters around the run).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bringup.probe.recording import assemble

SCENARIOS = Path(__file__).resolve().parent.parent / "tests" / "scenarios"


def build_healthy(scenario: str, target: Path) -> Path:
    base = SCENARIOS / scenario
    run = assemble(base / "inventory", base / "captures", target)
    assemble_bench(base, run)
    return run


def _capture(captures: Path, node: str, key: str) -> str | None:
    for folder in (captures / node, captures / "common"):
        if (folder / f"{key}.out").exists():
            return (folder / f"{key}.out").read_text()
    return None


def assemble_bench(base: Path, run: Path) -> None:
    """``run/bench/<id>/``: every planned benchmark run of the scenario, with its launch, its recorded output
    and the ``ethtool -S`` snapshots of its rails (the L8 counters captures before and after)."""
    from bringup.bench import catalogue, launchers, plan
    from bringup.bench.runner import describe
    from bringup.bench.store import BenchStore, Outcome
    from bringup.inventory import load_inventory

    outputs = base / "bench"
    if not outputs.is_dir():
        return
    cluster = load_inventory(str(base / "inventory"))
    store = BenchStore(run)
    missing = []
    for planned in plan.plan(catalogue.default().for_design(cluster.design.id), list(cluster.nodes)):
        if planned.skip:
            continue
        out = outputs / f"{planned.id}.out"
        if not out.exists():
            missing.append(out.name)
            continue
        store.write_launch(planned.id, describe(planned, launchers.launch(planned.case, list(planned.nodes),
                                                                          rail=planned.rail), 0.0))
        store.write_outcome(planned.id, Outcome(0, out.read_text()))
        counters: dict = {}
        for node in planned.nodes:
            for rail in node.rails:
                if not rail.rdma_device or (planned.rail and rail.name != planned.rail):
                    continue
                counters.setdefault(node.name, {})[rail.name] = {
                    "netdev": rail.netdev,
                    "before": _capture(base / "captures", node.name, f"counters-before-{rail.name}"),
                    "after": _capture(base / "captures", node.name, f"counters-after-{rail.name}")}
        store.write_counters(planned.id, counters)
    if missing:
        raise AssertionError(f"no benchmark output in {outputs} for: {', '.join(missing)}")


def _apply_bench_edit(run: Path, edit: dict, faults_dir: Path) -> None:
    folder = run / "bench" / edit["bench"]
    if not (folder / "output.json").exists():
        raise AssertionError(f"fault edit: no benchmark run {edit['bench']!r} recorded")
    output = json.loads((folder / "output.json").read_text())
    if "stdout_file" in edit:
        output["stdout"] = (faults_dir / f"{edit['stdout_file']}.out").read_text()
    if "replace" in edit:
        old, new = edit["replace"]
        if old not in output["stdout"]:
            raise AssertionError(f"fault edit: {old!r} not in the output of {edit['bench']}")
        output["stdout"] = output["stdout"].replace(old, new, edit.get("count", 1))
    for field in ("stdout", "stderr", "rc", "error", "timed_out"):
        if field in edit:
            output[field] = edit[field]
    (folder / "output.json").write_text(json.dumps(output, indent=1))
    for node, rails in (edit.get("counters") or {}).items():
        counters = json.loads((folder / "counters.json").read_text())
        for rail, change in rails.items():
            old, new = change["replace"]
            after = counters[node][rail]["after"]
            if old not in after:
                raise AssertionError(f"fault edit: {old!r} not in {node} {rail}'s counters after {edit['bench']}")
            counters[node][rail]["after"] = after.replace(old, new, 1)
        (folder / "counters.json").write_text(json.dumps(counters, indent=1))


def apply_fault(run: Path, fault: dict, faults_dir: Path | None = None) -> None:
    for edit in fault["edits"]:
        if "bench" in edit:
            _apply_bench_edit(run, edit, faults_dir or SCENARIOS / "h100" / "bench" / "faults")
            continue
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


def load_fault(path: Path) -> dict:
    return yaml.safe_load(path.read_text())
