"""``ethtool -i <netdev>``: driver, driver version, firmware version (with the PSID on ConnectX). Example::

    driver: mlx5_core
    version: 24.10-1.1.4
    firmware-version: 28.42.1000 (MT_0000000838)
    expansion-rom-version:
    bus-info: 0000:18:00.0
    supports-statistics: yes
    supports-test: yes
    supports-eeprom-access: no
    supports-register-dump: no
    supports-priv-flags: yes

An inbox mlx5 prints the kernel release as ``version``; a veth prints an empty ``firmware-version``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ethtool-i"


@dataclass(frozen=True)
class DriverInfo:
    driver: str
    version: str
    firmware: str  # "28.42.1000"; "" when the device has none
    psid: str | None  # ConnectX board id in parentheses, e.g. "MT_0000000838"
    bus_info: str


@whole_lines
def parse(text: str) -> DriverInfo:
    fields: dict[str, str] = {}
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or " " in key.strip():
            raise ParseError(f"line {number} is not `ethtool -i` output: {line.strip()!r}")
        fields[key.strip()] = value.strip()
    for key in ("driver", "firmware-version", "bus-info"):
        if key not in fields:
            raise ParseError(f"no {key!r} line: truncated or not `ethtool -i` output")
    match = re.fullmatch(r"(\S*)(?: \((\S+)\))?", fields["firmware-version"])
    if not match:
        raise ParseError(f"unexpected firmware-version {fields['firmware-version']!r}")
    return DriverInfo(fields["driver"], fields.get("version", ""), match[1], match[2], fields["bus-info"])
