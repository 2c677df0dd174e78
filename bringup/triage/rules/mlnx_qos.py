"""Triage of ``mlnx_qos -i IFACE``: the layers.md §1.1 / L8 QoS contract on the host, trust mode as
``bringup_fabric.trust`` (policy ``trust``: dscp) and PFC enabled on the RoCE priority only
(``bringup_fabric.pfc_priority``, policy 3)."""

from __future__ import annotations

import re

from bringup.parsers.mlnx_qos import Qos
from bringup.triage.model import Context, Finding

TOOL = "mlnx_qos"
_TRUST = re.compile(r"^\s*Priority trust state:", re.M)


def detect(text: str) -> bool:
    return bool(_TRUST.search(text))


def _expected(ctx: Context, key: str):
    if key in ctx.fabric:
        return ctx.fabric[key], f"bringup_fabric.{key}"
    return ctx.expect.get(key), f"policy {key}"


def findings(parsed: Qos, ctx: Context) -> list[Finding]:
    out = []
    trust, trust_src = _expected(ctx, "trust")
    if trust and parsed.trust != trust:
        out.append(Finding("fail", "trust", f"{parsed.trust}, expected {trust} ({trust_src})"))
    elif trust:
        out.append(Finding("info", "trust", f"{parsed.trust} as expected ({trust_src})"))
    prio, prio_src = _expected(ctx, "pfc_priority")
    enabled = [p for p, flag in enumerate(parsed.pfc_enabled) if flag]
    if prio is not None and enabled != [prio]:
        out.append(Finding("fail", "PFC", f"enabled on priorities {enabled or 'none'}, expected only {prio} "
                                          f"({prio_src})"))
    elif prio is not None:
        out.append(Finding("info", "PFC", f"enabled on priority {prio} only ({prio_src})"))
    return out
