"""``ipmitool sel elist``: the BMC's System Event Log, one record per line. Example (ipmitool 1.8.18)::

       1 | 04/02/2024 | 09:12:44 | Event Logging Disabled SEL Status | Log area reset/cleared | Asserted
       2 | 04/02/2024 | 09:14:03 | Power Supply PS2 Status | Power Supply AC lost | Asserted
       3 | 04/02/2024 | 09:14:09 | Power Supply PS2 Status | Power Supply AC lost | Deasserted
       4 | 04/02/2024 | 09:31:27 | Temperature GPU3 Temp | Upper Critical going high | Asserted | Reading 91 > Threshold 90 degrees C
       5 |  Pre-Init  |0000000042| System Event #0x83 | Timestamp Clock Sync | Asserted
       6 | 04/02/2024 | 09:40:00 | OEM record c1 | 002a7c | 0a0b0c0d0e0f
       7 | OEM record e0 | 00112233445566778899aabbcc
       8 | Linux kernel panic: Oops: 0000

The shapes are those of ``ipmi_sel_print_std_entry()`` (``lib/ipmi_sel.c``): the record id in hex (``%4x``);
then date and time, or ``Pre-Init`` and the seconds since BMC start for a timestamp below 0x20000000 (set
before the BMC clock was), or nothing for OEM non-timestamped records (types e0-ff); then the sensor (type
and SDR name, or ``#0x<number>`` without SDR), the event, ``Asserted``/``Deasserted`` and optional details
(threshold reading, ``CPU n DIMM m``). OEM timestamped records (c0-df) print manufacturer id and raw data
instead of sensor and event. ipmitool >= 1.8.19 prints the date with ``%x`` (``04/02/24`` in the C locale)
and the time with ``%X %Z`` (``09:12:44 UTC``). Some BMCs' records come out without the direction column;
they are kept with ``direction=None``. An empty SEL prints nothing on stdout ("SEL has no entries" goes to
stderr). CRLF is accepted. Since ipmitool ends every record with a newline, a last line without one is a
cut-off capture and raises, as does any line that fits none of these shapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ipmitool-sel"

_ID = re.compile(r"^[0-9a-fA-F]{1,4}$")
_DATE = re.compile(r"^(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|S\+ .+|Unspecified)$")
_TIME = re.compile(r"^(?:\d{1,2}:\d{2}:\d{2}(?: ?[AP]M)?(?: [A-Za-z][\w+-]*)?|Unspecified)$")
_OEM = re.compile(r"^OEM record ([0-9a-fA-F]{2})$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_DIRECTIONS = ("Asserted", "Deasserted")


@dataclass(frozen=True)
class Entry:
    record_id: int
    kind: str  # "standard", "oem" (record types c0-ff) or "panic" (ipmitool's Linux kernel panic record f0)
    timestamp: str | None  # "04/02/2024 09:12:44", "Pre-Init +42s", None for non-timestamped records
    sensor: str  # the sensor column; for OEM records "OEM record c1"
    event: str  # the event description; for OEM records the raw data
    direction: str | None = None
    detail: str = ""

    @property
    def log_cleared(self) -> bool:
        """The record a BMC writes when its SEL is cleared (sensor type 10h "Event Logging Disabled", offset
        02h "Log area reset/cleared", IPMI v2.0 table 42-3): it marks the clear, not a hardware event."""
        return self.event.lower() == "log area reset/cleared"

    def __str__(self) -> str:
        when = f"{self.timestamp} " if self.timestamp else ""
        tail = f" {self.direction}" if self.direction else ""
        return f"#{self.record_id:x} {when}{self.sensor}: {self.event}{tail}"


def _entry(record_id: int, when: str | None, rest: list[str]) -> Entry | None:
    if _OEM.match(rest[0]) and len(rest) >= 2 and all(_HEX.match(f) for f in rest[1:3]):
        return Entry(record_id, "oem", when, rest[0], " ".join(rest[1:]))
    if len(rest) < 2 or not rest[0] or (len(rest) > 2 and rest[2] not in _DIRECTIONS):
        return None
    return Entry(record_id, "standard", when, rest[0], rest[1], rest[2] if len(rest) > 2 else None,
                 " | ".join(rest[3:]))


def _parse_line(fields: list[str]) -> Entry | None:
    if len(fields) < 2 or not _ID.match(fields[0]):
        return None
    record_id = int(fields[0], 16)
    if len(fields) == 2 and fields[1].startswith("Linux kernel panic:"):
        return Entry(record_id, "panic", None, "Linux kernel panic", fields[1].split(":", 1)[1].strip())
    if _OEM.match(fields[1]):  # OEM non-timestamped (e0-ff): no date, no time
        return _entry(record_id, None, fields[1:])
    if len(fields) < 5:
        return None
    if fields[1] == "Pre-Init" and fields[2].isdecimal():
        return _entry(record_id, f"Pre-Init +{int(fields[2])}s", fields[3:])
    if _DATE.match(fields[1]) and _TIME.match(fields[2]):
        return _entry(record_id, f"{fields[1]} {fields[2]}", fields[3:])
    return None


@whole_lines
def parse(text: str) -> list[Entry]:
    if text and not text.endswith(("\n", "\r")):
        raise ParseError(f"last line has no line end, output truncated: {lines(text)[-1]!r}")
    entries = []
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        entry = _parse_line([f.strip() for f in line.split("|")])
        if entry is None:
            raise ParseError(f"line {number} is not an `ipmitool sel elist` record: {line.strip()!r}")
        entries.append(entry)
    return entries


def entries_after(entries: list[Entry], baseline_id: int | None) -> list[Entry]:
    """The records logged after ``baseline_id`` (the last one acknowledged), clear markers left out.

    Record ids grow as the BMC logs; a clear restarts them, so when the baseline record is no longer in the
    SEL the ids cannot be compared and every record counts as new. ``None`` (no baseline): every record.
    """
    events = [e for e in entries if not e.log_cleared]
    if baseline_id is None or all(e.record_id != baseline_id for e in entries):
        return events
    return [e for e in events if e.record_id > baseline_id]
