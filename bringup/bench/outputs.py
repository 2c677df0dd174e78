"""From a recorded benchmark run to the contract's results rows and its counter findings (pure).

Each tool's output goes through its parser (``bringup parse <tool>``) and becomes long rows (one per measured
figure, docs: bench_contract in ``bringup/bench/judge.py``). A run that did not produce a table (the launch
failed, the output is an aborted run or is cut short) gives no rows and an error that quotes the cause, named
with the node and the command.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import pandas as pd

from bringup import expect
from bringup.bench import counters as watch
from bringup.bench.plan import Planned
from bringup.bench.store import Recorded
from bringup.parsers import ParseError

# The figures a case is judged on; the others (algbw, in-place busbw, ...) are recorded in results.csv.
PRIMARY_METRICS = ("busbw", "bandwidth", "latency")


def _buffer(planned: Planned) -> str:
    case = planned.case
    if case.tool == "nccl-tests":
        return ""
    args = list(case.args)
    if "-d" in args and args[args.index("-d") + 1:args.index("-d") + 2] == ["cuda"]:
        return "device"
    return "device" if case.tool == "perftest" and case.needs.gpus else "host"  # the launcher adds --use_cuda


def context(planned: Planned) -> dict[str, Any]:
    """The key columns every row of this run shares."""
    case = planned.case
    gpus = 0
    if case.needs.gpus:
        gpus = planned.nodes[0].hardware.gpus or 0 if case.ranks_per_node == "gpus" else int(case.ranks_per_node)
    return {"case": planned.id, "benchmark": case.tool, "op": case.op, "nodes": len(planned.nodes),
            "gpus_per_node": gpus, "algo": case.env.get("NCCL_ALGO", ""), "buffer": _buffer(planned),
            "subject": planned.subject}


def _perftest_rows(text: str, ctx: dict[str, Any]) -> pd.DataFrame:
    from bringup.parsers import perftest

    report = perftest.parse(text)
    rows = []
    for row in report.bandwidth:
        gbits = row.average if row.unit.lower().startswith("gb") else row.average * 8 / 1000  # MB/sec -> Gb/s
        rows.append({**ctx, "size": row.size, "metric": "bandwidth", "value": gbits, "unit": "Gb/s"})
    for row in report.latency:
        rows.append({**ctx, "size": row.size, "metric": "latency", "value": row.t_typical, "unit": "us"})
    frame = pd.DataFrame(rows)
    frame["valid"], frame["invalid_reason"] = True, ""
    return frame


def _call(rows_function: Callable[..., pd.DataFrame], parsed: Any, ctx: dict[str, Any]) -> pd.DataFrame:
    """Pass a rows function the context keys it takes; fill the contract columns it leaves to the caller."""
    accepted = inspect.signature(rows_function).parameters
    frame = rows_function(parsed, **{k: v for k, v in ctx.items() if k in accepted})
    for key, value in ctx.items():
        if key not in frame.columns:
            frame[key] = value
    return frame


def _rows_function(tool: str) -> Callable[[str, dict[str, Any]], pd.DataFrame]:
    if tool == "perftest":
        return _perftest_rows
    from bringup.bench import rows
    from bringup.parsers import registry

    functions = {"nccl-tests": "nccl_rows", "osu": "osu_rows", "iperf3": "iperf3_rows", "netpipe": "netpipe_rows"}
    if tool not in functions or not hasattr(rows, functions[tool]):
        raise ValueError(f"no results rows for tool {tool!r}")
    parse, to_rows = registry()[tool], getattr(rows, functions[tool])
    return lambda text, ctx: _call(to_rows, parse(text), ctx)


def _report(planned: Planned, outcome) -> str:
    """The text the tool's parser reads: stdout, except NetPIPE 3.7, which prints its result lines on stderr."""
    return outcome.stdout + outcome.stderr if planned.case.tool == "netpipe" else outcome.stdout


def _first_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def rows_of(planned: Planned, recorded: Recorded) -> tuple[pd.DataFrame | None, str | None]:
    """(every measured figure, None) or (None, why there is none)."""
    outcome = recorded.outcome
    where = f"{planned.case.binary} on {recorded.launch.get('run_on') or planned.node_names[0]}"
    if outcome.error:
        return None, f"{planned.id}: {outcome.error}"
    try:
        frame = _rows_function(planned.case.tool)(_report(planned, outcome), context(planned))
    except (ParseError, ValueError) as exc:
        detail = str(exc)
        if outcome.rc:
            stderr = _first_line(outcome.stderr)
            detail += f" (exit {outcome.rc}" + (f": {stderr})" if stderr else ")")
        return None, f"{planned.id}: {where}: {detail}"
    if outcome.rc:
        # A table that parsed but an exit status that says the run went wrong: judge nothing on it.
        return None, f"{planned.id}: {where} exited {outcome.rc}: {_first_line(outcome.stderr) or 'no error output'}"
    if frame is None or frame.empty:
        return None, f"{planned.id}: {where} printed no result rows"
    return frame, None


def judged_rows(planned: Planned, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a baseline judges: primary metrics at the catalogue's judged sizes (all sizes when none), and
    every invalid row whatever its size (``#wrong != 0`` anywhere fails the run, layers.md §4)."""
    chosen = frame["metric"].isin(PRIMARY_METRICS)
    if planned.case.judged_sizes:
        chosen &= frame["size"].isin(planned.case.judged_sizes)
    return frame[chosen | ~frame["valid"].astype(bool)]


def counter_failures(planned: Planned, recorded: Recorded) -> list[str]:
    """Watch-list counters that moved on a rail during the run (layers.md L8), as sentences."""
    found: list[str] = []
    for node in planned.nodes:
        sides = recorded.counters.get(node.name) or {}
        for rail, side in sides.items():
            if not isinstance(side, dict) or not side.get("before") or not side.get("after"):
                continue
            try:
                before = watch.Snapshot.from_outputs(side["before"])
                after = watch.Snapshot.from_outputs(side["after"])
            except (ParseError, ValueError) as exc:
                found.append(f"{node.name} {rail}: counters unreadable: {exc}")
                continue
            prio = expect.declared(node, "pfc_priority", node.fabric.pfc_priority, "bringup_fabric.pfc_priority")
            for finding in watch.failures(watch.judge(before, after, int(prio.value))):
                found.append(f"{node.name} {rail} {finding.counter} +{finding.delta}: {finding.meaning}")
    return found
