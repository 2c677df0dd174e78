"""Triage of ``rdma link`` / ``rdma -j link``: layers.md L7, every port ACTIVE with physical state LINK_UP."""

from __future__ import annotations

import json
import re

from bringup.triage.model import Context, Finding

TOOL = "rdma-link"
_LINE = re.compile(r"^link \S+/\d+ (?:subnet_prefix \S+ )?(?:lid \S+ )?(?:sm_lid \S+ )?(?:lmc \S+ )?state ", re.M)


def detect(text: str) -> bool:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except ValueError:
            return False
        return isinstance(data, list) and bool(data) and isinstance(data[0], dict) and \
            {"ifname", "port", "physical_state"} <= set(data[0])
    return bool(_LINE.search(text))


def findings(parsed: list, ctx: Context) -> list[Finding]:
    out = []
    for link in parsed:
        subject = f"{link.device}/{link.port}" + (f" ({link.netdev})" if link.netdev else "")
        if link.state != "ACTIVE" or link.physical_state != "LINK_UP":
            out.append(Finding("fail", subject, f"state {link.state}, physical_state {link.physical_state}; "
                                                "expected ACTIVE / LINK_UP"))
        else:
            out.append(Finding("info", subject, "ACTIVE / LINK_UP"))
    return out
