"""Triage of an MPIJob capture (``kubectl get mpijob NAME -o yaml|json``): what the benchmark runner's live
path (bringup/bench/mpijob.py) would report for the job.

A Failed job fails with its condition's reason and message; failed launcher or worker pods are reported
beside it (mpi-operator counts pods that failed in the past too, kubeflow/mpi-operator issue #552, so on a
job still running they warn); Succeeded is info; a job not final yet (Created, Running, Pending) warns with
its state, since a capture cannot say whether it will finish.
"""

from __future__ import annotations

import re

from bringup.parsers.mpijob_status import FINAL, MPIJobStatus
from bringup.triage.model import Context, Finding

TOOL = "mpijob"

_YAML_KIND = re.compile(r"^kind: MPIJob\s*$", re.M)
_JSON_KIND = re.compile(r'^\s*"kind": "MPIJob",?\s*$', re.M)
_API = re.compile(r"kubeflow\.org/v[0-9]")


def detect(text: str) -> bool:
    return bool((_YAML_KIND.search(text) or _JSON_KIND.search(text)) and _API.search(text))


def findings(parsed: MPIJobStatus, ctx: Context) -> list[Finding]:
    subject = f"MPIJob {parsed.namespace}/{parsed.name}" if parsed.namespace else f"MPIJob {parsed.name}"
    state, detail = parsed.state()
    out = []
    if state == "Failed":
        out.append(Finding("fail", subject, f"Failed: {detail}" if detail else "Failed"))
    elif state == "Succeeded":
        out.append(Finding("info", subject, f"Succeeded: {detail}" if detail else "Succeeded"))
    else:
        out.append(Finding("warn", subject, f"not finished: {state}" + (f" ({detail})" if detail else "")))
    for role, counts in parsed.replica_statuses.items():
        if counts.failed:
            severity = "fail" if state in FINAL else "warn"
            out.append(Finding(severity, f"{subject} {role}", f"{counts.failed} {role.lower()} pod(s) failed"
                                                               f" ({counts.active or 0} active)"))
    return out
