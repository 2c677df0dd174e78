"""Triage of ``scontrol show node`` (``-o`` or multi-line): layers.md L15, a node is IDLE/MIXED (ALLOCATED and
COMPLETING are busy but healthy) with no DRAIN/DOWN/NOT_RESPONDING/FAIL/MAINTENANCE flag; the sets are those of
suites/l15_scheduler/test_scheduler.py."""

from __future__ import annotations

import re

from bringup.parsers import scontrol_node
from bringup.triage.model import Context, Finding

TOOL = "scontrol_node"
_NODE = re.compile(r"^\s*NodeName=\S+", re.M)
_STATE = re.compile(r"\bState=\S+")
HEALTHY_STATES = {"IDLE", "MIXED", "ALLOCATED", "COMPLETING"}
UNHEALTHY_FLAGS = {"DRAIN", "DRAINING", "DRAINED", "DOWN", "NOT_RESPONDING", "FAIL", "FAILING", "MAINTENANCE"}


def detect(text: str) -> bool:
    return bool(_NODE.search(text) and _STATE.search(text))


def findings(parsed: dict, ctx: Context) -> list[Finding]:
    state = parsed.get("State", "")
    base, flags = scontrol_node.state_flags(state)
    reason = parsed.get("Reason", "")
    reason = f", reason: {reason}" if reason and reason != "(null)" else ""
    subject = f"node {parsed.get('NodeName', '?')}"
    if base not in HEALTHY_STATES or flags & UNHEALTHY_FLAGS:
        return [Finding("fail", subject, f"State={state}{reason}; expected IDLE or MIXED without drain")]
    return [Finding("info", subject, f"State={state}")]
