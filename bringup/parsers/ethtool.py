"""``ethtool <if>``: link settings. Example (ethtool 6.x, ConnectX-7 at 400GbE, abridged)::

    Settings for enp24s0np0:
    	Supported ports: [ FIBRE ]
    	Supported link modes:   100000baseKR4/Full
    	                        400000baseCR4/Full
    	Speed: 400000Mb/s
    	Lanes: 4
    	Duplex: Full
    	Auto-negotiation: on
    	Port: FIBRE
    	Link detected: yes

A link that is down prints ``Speed: Unknown!`` and ``Duplex: Unknown! (255)``; a veth prints
``Speed: 10000Mb/s``. ``Link detected`` is the last line ethtool prints, so its absence means truncation.

Pasted captures (issue 13): the prompt line above the output and the next prompt below it are dropped
(common.strip_capture), tabs turned into spaces or indentation lost read the same (whitespace inside a
value is one space), and a paste that ends at ``Link detected: yes``/``no`` without its newline is whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ethtool"

_HEADER = re.compile(r"^Settings for (\S+):$")
_LAST_LINE = re.compile(r"Link detected:\s+(?:yes|no)")  # whole, it cannot be a cut


@dataclass(frozen=True)
class LinkSettings:
    netdev: str
    speed_mbps: int | None  # None: "Unknown!" (link down or no PHY report)
    duplex: str | None
    link_detected: bool
    fields: dict[str, str] = field(default_factory=dict)


@whole_lines(closing=_LAST_LINE)
def parse(text: str) -> LinkSettings:
    netdev = None
    fields: dict[str, str] = {}
    last = None
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if netdev is None:
            match = _HEADER.match(line)
            if not match:
                raise ParseError(f"line {number} should be 'Settings for <if>:', got {line[:120]!r}")
            netdev = match[1]
            continue
        line = " ".join(line.split())  # a tab inside a value (`None\t RS`) pasted as spaces reads the same
        key, sep, value = line.partition(":")
        if sep and key:
            last = key.strip()
            fields[last] = value.strip()
        elif last is not None:  # continuation of a multi-line value (link modes, message level)
            fields[last] = f"{fields[last]} {line}".strip()
        else:
            raise ParseError(f"line {number} is not a 'Key: value' setting: {line[:120]!r}")
    if netdev is None:
        raise ParseError("empty output: no 'Settings for <if>:' header")
    if "Link detected" not in fields:
        raise ParseError(f"no 'Link detected' line for {netdev}: output truncated")
    speed = fields.get("Speed", "")
    match = re.fullmatch(r"(\d+)Mb/s", speed)
    if speed and not match and not speed.startswith("Unknown"):
        raise ParseError(f"unexpected Speed value {speed!r}")
    duplex = fields.get("Duplex")
    return LinkSettings(netdev, int(match[1]) if match else None,
                        None if duplex is None or duplex.startswith("Unknown") else duplex,
                        fields["Link detected"] == "yes", fields)
