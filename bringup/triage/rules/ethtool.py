"""Triage of ``ethtool IFACE``: what L3 would say about the link (layers.md L3: link detected, speed as the
hardware profile's ``bringup_hardware.nic_speed_mbps``, ``Duplex: Full``)."""

from __future__ import annotations

import re

from bringup.parsers.ethtool import LinkSettings
from bringup.triage.model import Context, Finding

TOOL = "ethtool"
_SETTINGS = re.compile(r"^\s*Settings for \S+:\s*$", re.M)
_FIELD = re.compile(r"^\s*(?:Speed|Link detected):", re.M)


def detect(text: str) -> bool:
    return bool(_SETTINGS.search(text) and _FIELD.search(text))


def findings(parsed: LinkSettings, ctx: Context) -> list[Finding]:
    name = parsed.netdev
    if not parsed.link_detected:
        return [Finding("fail", name, "link not detected (Link detected: no)")]
    out = []
    expected = ctx.hardware.get("nic_speed_mbps")
    if parsed.speed_mbps is None:
        out.append(Finding("fail", name, "link speed Unknown!"))
    elif expected is None:
        out.append(Finding("info", name, f"link at {parsed.speed_mbps}Mb/s (no expected speed without --inventory: "
                                         "bringup_hardware.nic_speed_mbps)"))
    elif parsed.speed_mbps != expected:
        out.append(Finding("fail", name, f"link at {parsed.speed_mbps}Mb/s, expected {expected} "
                                         "(bringup_hardware.nic_speed_mbps)"))
    else:
        out.append(Finding("info", name, f"link at {parsed.speed_mbps}Mb/s as expected "
                                         "(bringup_hardware.nic_speed_mbps)"))
    duplex = ctx.expect.get("duplex")
    if duplex and parsed.duplex and parsed.duplex != duplex:
        out.append(Finding("fail", name, f"Duplex: {parsed.duplex}, expected {duplex} (policy duplex)"))
    return out
