"""``chronyc -n tracking``. Example (chrony 4.x)::

    Reference ID    : A9FEA97B (169.254.169.123)
    Stratum         : 4
    Ref time (UTC)  : Thu Nov 26 21:14:32 2026
    System time     : 0.000002915 seconds slow of NTP time
    Last offset     : -0.000001877 seconds
    RMS offset      : 0.000010236 seconds
    Frequency       : 15.339 ppm fast
    Residual freq   : -0.000 ppm
    Skew            : 0.013 ppm
    Root delay      : 0.000358574 seconds
    Root dispersion : 0.000310839 seconds
    Update interval : 16.1 seconds
    Leap status     : Normal

An unsynchronised daemon prints ``Reference ID    : 00000000 ()`` and ``Leap status     : Not synchronised``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "chronyc-tracking"


@dataclass(frozen=True)
class Tracking:
    reference_id: str
    stratum: int
    system_offset_s: float  # positive: local clock is fast
    leap_status: str

    @property
    def synchronised(self) -> bool:
        return self.leap_status != "Not synchronised" and self.reference_id != "00000000"


@whole_lines
def parse(text: str) -> Tracking:
    fields: dict[str, str] = {}
    for line in lines(text):
        key, sep, value = line.partition(" : ")
        if sep:
            fields[key.strip()] = value.strip()
    for key in ("Reference ID", "Stratum", "System time", "Leap status"):
        if key not in fields:
            raise ParseError(f"no {key!r} line: truncated or not `chronyc tracking` output")
    match = re.match(r"(\d+(?:\.\d+)?) seconds (fast|slow) of NTP time", fields["System time"])
    if not match:
        raise ParseError(f"unexpected System time value: {fields['System time']!r}")
    offset = float(match[1]) * (1 if match[2] == "fast" else -1)
    if not fields["Stratum"].isdecimal():
        raise ParseError(f"unexpected Stratum value: {fields['Stratum']!r}")
    return Tracking(fields["Reference ID"].split()[0], int(fields["Stratum"]), offset, fields["Leap status"])
