"""Triage of ``dcgmi diag`` (table or ``-j``): layers.md L11, no test may Fail."""

from __future__ import annotations

import re

from bringup.parsers import dcgmi_diag
from bringup.triage.model import Context, Finding

TOOL = "dcgmi-diag"
_MARK = re.compile(r'"DCGM (?:GPU )?Diagnostic"\s*:|^\|\s*Diagnostic\s*\|\s*Result\s*\|', re.M)


def detect(text: str) -> bool:
    return bool(_MARK.search(text))


def findings(parsed: list, ctx: Context) -> list[Finding]:
    failed = dcgmi_diag.failures(parsed)
    out = [Finding("fail", f"{r.category}/{r.test}", f"Fail {r.detail}".strip()) for r in failed]
    out += [Finding("warn", f"{r.category}/{r.test}", f"Warn {r.detail}".strip()) for r in parsed if r.status == "Warn"]
    if not failed:
        out.append(Finding("info", "dcgmi diag", f"{len(parsed)} results, none Fail"))
    return out
