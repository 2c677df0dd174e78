"""Triage of a ``kubectl get nodes`` capture: what the Kubernetes runtime checks (L14) would say per node.

A node whose Ready condition is not True (``NotReady``, ``Unknown``: the kubelet stopped posting status) fails;
a cordoned node (``SchedulingDisabled``) warns, since jobs cannot land on it though it may be cordoned on
purpose; a Ready, schedulable node is an info line with its kubelet version.
"""

from __future__ import annotations

import re

from bringup.parsers.kubectl_nodes import Node
from bringup.triage.model import Context, Finding

TOOL = "kubectl-nodes"

_HEADER = re.compile(r"^\s*NAME\s+STATUS\s+(?:ROLES\s+)?AGE\s+VERSION\b", re.M)


def detect(text: str) -> bool:
    return bool(_HEADER.search(text))


def findings(parsed: list[Node], ctx: Context) -> list[Finding]:
    out = []
    for node in parsed:
        if not node.ready:
            out.append(Finding("fail", node.name, f"{node.status}: the kubelet does not report Ready"))
        elif not node.schedulable:
            out.append(Finding("warn", node.name, f"{node.status}: cordoned, no new pods are scheduled on it"))
        else:
            out.append(Finding("info", node.name, f"Ready, kubelet {node.version}"))
    return out
