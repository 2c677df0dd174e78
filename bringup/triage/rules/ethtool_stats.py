"""Triage of ``ethtool -S IFACE``: the layers.md L8 counter watch-list, judged by bringup/bench/counters.py as if
every counter had moved from zero since the link came up (a pasted snapshot has no "before"): a lossless-class
discard, a pause storm, a PFC pause on a priority other than the RoCE one, link flaps or symbol errors fail."""

from __future__ import annotations

import re

from bringup.bench import counters
from bringup.triage.model import Context, Finding

TOOL = "ethtool-S"
_HEADER = re.compile(r"^\s*NIC statistics:\s*$", re.M)


def detect(text: str) -> bool:
    return bool(_HEADER.search(text))


def findings(parsed: dict[str, int], ctx: Context) -> list[Finding]:
    priority = int(ctx.fabric.get("pfc_priority", ctx.expect.get("pfc_priority", 3)))
    judged = counters.judge(counters.Snapshot({name: 0 for name in parsed}), counters.Snapshot(parsed), priority)
    out = [Finding(f.verdict, f.counter, f"{f.delta} since the counters were cleared: {f.meaning}")
           for f in judged if f.verdict != "info"]
    if not out:
        out.append(Finding("info", "watch-list", f"no watch-list counter is non-zero ({len(parsed)} counters; RoCE "
                                                 f"priority {priority})"))
    return out
