"""Triage of ``dmesg`` / ``dmesg -T`` / ``journalctl -k``: every kernel event class the L11 checks act on (Xid
with its meaning, GPU fallen off the bus, GPUDirect RDMA kernel path, PCIe AER, PCIe bandwidth limited, NVSwitch
SXid), in the words of bringup/kernel_events.py, with the policy's xid_ignore and aer_corrected_max."""

from __future__ import annotations

import re

from bringup import kernel_events
from bringup.parsers.dmesg import Dmesg
from bringup.triage.model import Context, Finding

TOOL = "dmesg"
# A kernel stamp at the start of a line: dmesg, dmesg -T, dmesg -H, journalctl -k/syslog, dmesg -x.
_STAMPED = re.compile(r"^(?:\[\s*\+?\d+\.\d{6}\] |\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] |"
                      r"\S+\s+\d{1,2} \d\d:\d\d:\d\d (?:\S+ )?kernel: |kernel: |kern\s*:\s*\w+\s*: )", re.M)


def detect(text: str) -> bool:
    return bool(_STAMPED.search(text))


def findings(parsed: Dmesg, ctx: Context) -> list[Finding]:
    limits = kernel_events.limits_from(ctx.expect)
    out = [Finding("fail", "kernel log:", message)
           for kind in kernel_events.CLASSES
           for message in kernel_events.problems(parsed, kind, None, limits)]
    return out or [Finding("info", "kernel log:", "no " + ", ".join(kernel_events.CLASSES.values()) + " events")]
