"""The NCCL log of one node, for the L12 and L13 checks that read it.

The log comes from the 2-node Ring all_reduce benchmark (bringup/bench/catalogue.yml ``nccl-all_reduce-ring``,
run with ``NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET``): the job that measures the network also says which
devices, transports and GDR paths NCCL chose, so it runs once for the benchmark, L12 and L13.
"""

from __future__ import annotations

import pytest

from bringup.parsers import nccl_log
from bringup.probe.prober import ProbeError

CASE = "nccl-all_reduce-ring"


def _tail(text: str, count: int = 3) -> str:
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(kept[-count:]) or "no output"


def host_log(node, bench) -> nccl_log.HostLog:
    """This node's part of the NCCL job it took part in; skips with the plan's reason where there is none."""
    run = bench.run_of(CASE, node.name)
    if run is None or run.skip:
        pytest.skip(run.skip if run else f"no {CASE} run includes {node.name}")
    recorded = bench.recorded(run)
    outcome = recorded.outcome
    argv = recorded.launch.get("argv") or []
    job = f"the NCCL job {run.id}" + (f" (`{' '.join(argv[-14:])}`)" if argv else "")
    if outcome.error:
        raise ProbeError(f"{node.name}: {job}: {outcome.error}")
    if outcome.rc != 0:
        raise ProbeError(f"{node.name}: {job} exited {outcome.rc}: {_tail(outcome.stdout + outcome.stderr)}")
    try:
        logs = nccl_log.parse(outcome.stdout + outcome.stderr)
    except ValueError as exc:
        raise ProbeError(f"{node.name}: cannot parse the log of {job}: {exc}") from None
    if node.name not in logs:
        raise ProbeError(f"{node.name}: {job} logged nothing from host {node.name} (hosts: {', '.join(logs)})"
                         + ("" if logs else "; is NCCL_DEBUG=INFO set for the run?"))
    return logs[node.name]
