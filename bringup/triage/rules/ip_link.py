"""Triage of ``ip link`` / ``ip -j link``: each up interface's MTU against the fabric contract's host MTU
(``bringup_fabric.mtu``, layers.md L4/§1.1), which only an inventory declares; 1500 warns, any other mismatch
fails (see DEFAULT_MTU)."""

from __future__ import annotations

import json
import re

from bringup.triage.model import Context, Finding

TOOL = "ip-link"
_LINE = re.compile(r"^\d+: \S+: <[A-Z0-9_,-]*> mtu \d+ ", re.M)
# A capture does not say which interfaces are rails (the inventory's bringup_rails, which a triage Context does not
# carry): an interface left at the Ethernet default warns, as the management/frontend NIC legitimately is; any other
# MTU than the fabric's fails (a rail configured, but wrongly).
DEFAULT_MTU = 1500
_ADDR = re.compile(r"^\s+inet6? ", re.M)  # `ip addr` prints the same first line, then its addresses


def detect(text: str) -> bool:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except ValueError:
            return False
        return (isinstance(data, list) and bool(data) and isinstance(data[0], dict)
                and {"ifname", "mtu", "link_type"} <= set(data[0]) and "addr_info" not in data[0])
    return bool(_LINE.search(text)) and not _ADDR.search(text)


def findings(parsed: dict, ctx: Context) -> list[Finding]:
    expected = ctx.fabric.get("mtu")
    out = []
    for name, link in parsed.items():
        if name == "lo" or link.operstate == "DOWN":
            continue
        if expected is None:
            out.append(Finding("info", name, f"MTU {link.mtu} (no expected MTU without --inventory: "
                                             "bringup_fabric.mtu)"))
        elif link.mtu == DEFAULT_MTU:
            out.append(Finding("warn", name, f"MTU {link.mtu} (the Ethernet default), expected {expected} "
                                             "(bringup_fabric.mtu) on a rail; a management or frontend interface may "
                                             "keep it"))
        elif link.mtu != expected:
            out.append(Finding("fail", name, f"MTU {link.mtu}, expected {expected} (bringup_fabric.mtu)"))
        else:
            out.append(Finding("info", name, f"MTU {link.mtu} as expected (bringup_fabric.mtu)"))
    return out or [Finding("info", "-", "no interface up besides lo")]
