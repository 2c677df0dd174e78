"""Triage of an ``ibstat`` capture: what L3 (links) and L7 (RDMA) would say about each port.

A port that is not ``Active``/``LinkUp`` fails, as does one running below the inventory's
``bringup_hardware.nic_speed_mbps`` (ibstat's Rate is the active rate in Gb/s: 400 for NDR 4X or a 400GbE
port); a healthy port is an info line with its rate and link layer.
"""

from __future__ import annotations

import re

from bringup.parsers.ibstat import CA
from bringup.triage.model import Context, Finding

TOOL = "ibstat"

_CA_LINE = re.compile(r"^CA '[^']+'\s*$", re.M)
_PHYS_LINE = re.compile(r"^\s*Physical state: ", re.M)


def detect(text: str) -> bool:
    return bool(_CA_LINE.search(text) and _PHYS_LINE.search(text))


def _mbps(rate_gbps: float) -> int:
    return round(rate_gbps * 1000)


def findings(parsed: dict[str, CA], ctx: Context) -> list[Finding]:
    expected = ctx.hardware.get("nic_speed_mbps")
    out: list[Finding] = []
    for ca in parsed.values():
        for port in ca.ports.values():
            subject = f"{ca.name} port {port.number}"
            if (port.state, port.physical_state) != ("Active", "LinkUp"):
                out.append(Finding("fail", subject, f"port {port.state}/{port.physical_state}, expected "
                                                    f"Active/LinkUp ({port.link_layer})"))
            elif expected and _mbps(port.rate_gbps) < int(expected):
                out.append(Finding("fail", subject, f"link at {_mbps(port.rate_gbps)}Mb/s, expected {expected} "
                                                    f"({port.link_layer})"))
            else:
                out.append(Finding("info", subject, f"Active/LinkUp at {_mbps(port.rate_gbps)}Mb/s "
                                                    f"({port.link_layer})"))
    return out
