"""``ipmitool sdr elist``: one BMC sensor per line, five ``|``-separated columns. Example (ipmitool 1.8.18)::

    CPU1 Temp        | 30h | ok  |  3.1 | 41 degrees C
    FAN3             | 43h | lcr | 29.3 | 420 RPM
    12V              | 50h | ok  |  7.1 | 12.10 Volts
    PS2 Status       | C9h | ok  | 10.2 | Presence detected, Failure detected
    CPU2_DIMM Temp   | 35h | ns  | 32.4 | No Reading

Columns (``lib/ipmi_sdr.c``, format ``%-16s | %02Xh | %-3s | %2d.%1d | <reading>``): sensor name, sensor number
(hex), status, entity id.instance, reading or asserted discrete states (may be empty). The status of a
threshold sensor comes from ``ipmi_sdr_get_status()``: ``ok``; with ``elist`` (extended) the side is named,
``lnc``/``unc`` (non-critical), ``lcr``/``ucr`` (critical), ``lnr``/``unr`` (non-recoverable); plain
``sdr list`` prints ``nc``/``cr``/``nr``. ``ns`` is "no reading" (absent, disabled or event-only sensors).
Discrete sensors always print ``ok`` or ``ns``: ipmitool does not grade their states (ipmitool(1), "sdr").
CRLF line ends are accepted; a line that is not five columns in that shape raises, naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ipmitool-sdr"

CRITICAL = frozenset({"cr", "lcr", "ucr", "nr", "lnr", "unr"})
NON_CRITICAL = frozenset({"nc", "lnc", "unc"})
STATUSES = CRITICAL | NON_CRITICAL | {"ok", "ns"}

_NUMBER = re.compile(r"^([0-9A-Fa-f]{2})h$")
_ENTITY = re.compile(r"^\d{1,3}\.\d{1,3}$")


@dataclass(frozen=True)
class Sensor:
    name: str
    number: int
    status: str
    entity: str
    reading: str

    @property
    def critical(self) -> bool:
        """Past a critical or non-recoverable threshold, the two severities above non-critical in IPMI v2.0."""
        return self.status in CRITICAL

    @property
    def non_critical(self) -> bool:
        return self.status in NON_CRITICAL


@whole_lines
def parse(text: str) -> list[Sensor]:
    if text and not text.endswith(("\n", "\r")):
        raise ParseError(f"last line has no line end, output truncated: {lines(text)[-1]!r}")
    sensors = []
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("|")]
        bad = (len(fields) != 5 or not _NUMBER.match(fields[1]) or fields[2] not in STATUSES
               or not _ENTITY.match(fields[3]))
        if bad:
            raise ParseError(f"line {number} is not an `ipmitool sdr elist` sensor line: {line.strip()!r}")
        sensors.append(Sensor(fields[0], int(fields[1][:2], 16), fields[2], fields[3], fields[4]))
    if not sensors:
        raise ParseError("no sensor listed (empty output): the BMC returned no SDR, or the output was lost")
    return sensors
