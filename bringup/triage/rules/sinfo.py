"""Triage of a ``sinfo`` capture: what L15 (the scheduler) would say about its nodes.

Nodes that cannot take jobs fail: down, drained or draining, failing, or not responding (the ``*`` flag), with
the REASON where the form prints one (``-N -l``; sinfo cuts it at 20 characters, so ``-R`` or ``scontrol show
node`` has the whole text). A pending or issued reboot, maintenance, and a maintenance reservation warn;
nodes powered off by power saving (``~``, cloud clusters) and the usable states are info.
Node state names: man sinfo, NODE STATE CODES (short names in the default form, long ones with ``-l``).
"""

from __future__ import annotations

import re

from bringup.parsers.sinfo import Row, Sinfo
from bringup.triage.model import Context, Finding

TOOL = "sinfo"

UNUSABLE = {"down", "drain", "drained", "draining", "drng", "fail", "failing", "inval", "invalid",
            "unk", "unknown", "npc", "not_responding"}
WARN = {"maint", "reboot", "boot", "booting", "futr", "future"}
FLAG_WORDS = {"*": "not responding", "~": "powered off", "#": "powering up", "%": "powering down",
              "!": "pending power down", "$": "maintenance reservation", "@": "reboot pending",
              "^": "reboot issued", "-": "planned by backfill"}
WARN_FLAGS = set("$@^")

_HEADER = re.compile(r"^\s*(?:PARTITION\s+AVAIL\s+TIMELIMIT\s+NODES\s+STATE\s+NODELIST"
                     r"|NODELIST\s+NODES\s+PARTITION\s+STATE)\b", re.M)


def detect(text: str) -> bool:
    return bool(_HEADER.search(text))


def _severity(row: Row) -> str:
    if row.state in UNUSABLE or "*" in row.flags or any(part in UNUSABLE for part in row.state.split("+")):
        return "fail"
    if row.state in WARN or WARN_FLAGS & set(row.flags):
        return "warn"
    return "info"


def findings(parsed: Sinfo, ctx: Context) -> list[Finding]:
    out = []
    for row in parsed.rows:
        state = row.state + "".join(f" ({FLAG_WORDS[flag]})" for flag in row.flags)
        if parsed.form == "partition":
            subject = f"partition {row.partition}"
            message = f"{row.nodes} node(s) {state}: {row.nodelist}"
        else:
            subject = row.nodelist
            message = f"{state} in partition {row.partition}"
            if row.reason and row.reason != "none":
                message += f": {row.reason}"
        out.append(Finding(_severity(row), subject, message))
    return out
