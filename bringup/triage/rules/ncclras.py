"""Triage of an ``ncclras`` / ``rcclras`` status report: what a hung or failing NCCL job's RAS view says.

Job-wide ``INCOMPLETE`` (processes that sent nothing) and ``DEAD`` (processes the RAS network lost) fail, as do
a communicator's ``INCOMPLETE`` (ranks missing) and ``ERROR`` (initialization or asynchronous NCCL errors) blocks
and a group in ``ABORT``; ``TIMEOUT`` (the RAS collective itself timed out on some links) and ``MISMATCH``
(ranks at different collective counts or states: the straggler view of a hang) warn, as do outlier nodes
(a node running another number of processes) and a group still in ``INIT``. A clean report is one info line.
Each finding quotes NCCL's own detail lines (``src/ras/client_support.cc`` words), ranks and nodes included.
"""

from __future__ import annotations

import re

from bringup.parsers.ncclras import Issue, RasReport
from bringup.triage.model import Context, Finding

TOOL = "ncclras"

_JOB_SUMMARY = re.compile(r"^Job summary\n===========$", re.M)
_COMMUNICATORS = re.compile(r"^Communicators\.\.\.", re.M)
_FAIL = {"INCOMPLETE", "DEAD", "ERROR"}


def detect(text: str) -> bool:
    text = text.replace("\r\n", "\n")
    return bool(_JOB_SUMMARY.search(text) and _COMMUNICATORS.search(text))


def findings(parsed: RasReport, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for node in parsed.outlier_nodes:
        out.append(Finding("warn", f"node {node}", "runs a different number of NCCL processes than the other nodes"))
    for group in parsed.groups:
        if group.status == "ABORT":
            out.append(Finding("fail", f"communicator group {group.index}",
                               f"{group.comms} communicator(s) of {group.ranks_per_comm} ranks aborted"))
        elif group.status == "INIT":
            out.append(Finding("warn", f"communicator group {group.index}",
                               f"{group.comms} communicator(s) of {group.ranks_per_comm} ranks still initializing"))
    for issue in parsed.errors + parsed.warnings:
        out.append(Finding("fail" if issue.kind in _FAIL else "warn", _subject(issue),
                           f"{issue.kind}: " + "; ".join(issue.details)))
    if parsed.no_communicators:
        out.append(Finding("warn", "job", "RAS collected no communicator data"))
    if not out:
        statuses = sorted({g.status for g in parsed.groups})
        out.append(Finding("info", "job", f"{parsed.library} {parsed.version}: {parsed.nodes} nodes, "
                                          f"{parsed.processes} processes, {parsed.gpus} GPUs; "
                                          f"{sum(g.comms for g in parsed.groups)} communicators "
                                          f"{'/'.join(statuses) or 'none'}, no errors or warnings"))
    return out


def _subject(issue: Issue) -> str:
    return f"communicator #{issue.comm} ({issue.comm_hash})" if issue.comm else "job"
