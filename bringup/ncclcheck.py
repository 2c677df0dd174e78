"""The NCCL job log of one node, for the L12 and L13 checks that read it (bringup/probes/nccl_job.py)."""

from __future__ import annotations

import pytest

from bringup.parsers import nccl_log
from bringup.probe.prober import ProbeError, ProbeSet
from bringup.probes import nccl_job


def _tail(text: str, count: int = 3) -> str:
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(kept[-count:]) or "no output"


def host_log(node, facts: ProbeSet, fleet) -> nccl_log.HostLog:
    """This node's part of the job it took part in; skips with the inventory's reason where there is none."""
    reason = nccl_job.skip_reason(node)
    if reason:
        pytest.skip(reason)
    owner = nccl_job.launcher_of(node)
    if owner == node.name:
        result = facts.result(nccl_job.KEY)
    else:
        found = fleet(lambda f: f.result(nccl_job.KEY) if f.node == owner else None).get(owner)
        if found is None:
            raise ProbeError(f"{node.name}: its NCCL job runs from {owner}, which has no result (unreachable?)")
        result = found
    job = f"the NCCL job {owner}+{nccl_job.pairs(node.fleet).get(owner)} (`{result.command.split(' 2>&1')[0]}`)"
    if result.timed_out:
        raise ProbeError(f"{node.name}: {job} timed out")
    if result.rc != 0:
        raise ProbeError(f"{node.name}: {job} exited {result.rc}: {_tail(result.stdout + result.stderr)}")
    try:
        logs = nccl_log.parse(result.stdout)
    except ValueError as exc:
        raise ProbeError(f"{node.name}: cannot parse the log of {job}: {exc}") from None
    if node.name not in logs:
        raise ProbeError(f"{node.name}: {job} logged nothing from host {node.name} (hosts: {', '.join(logs)})")
    return logs[node.name]
