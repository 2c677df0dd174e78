"""``ethtool -m <if>``: module EEPROM and digital optical monitoring (DOM). Example (ethtool 6.x decoding
a CMIS 400G OSFP optic, abridged; labels as printed by ethtool's ``cmis.c``/``sff-common.c``)::

    	Identifier                                : 0x19 (OSFP 8X Pluggable Transceiver)
    	Vendor name                               : NVIDIA
    	Vendor PN                                 : MMA4Z00-NS400
    	Module temperature                        : 44.12 degrees C / 111.42 degrees F
    	Module voltage                            : 3.2844 V
    	Rcvr signal avg optical power (Channel 1) : 0.8714 mW / -0.60 dBm
    	Module temperature high alarm             : Off
    	Module temperature high alarm threshold   : 80.00 degrees C / 176.00 degrees F

Each line is ``label : value`` (labels are padded with spaces). Passive copper (DAC) has no DOM lines at
all. Alarm and warning flags read ``On``/``Off``; older SFF-8636 decoders print ``Yes``/``No`` for loss of
signal and fault flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ethtool-m"

_TEMP = re.compile(r"^(-?\d+(?:\.\d+)?) degrees C")


@dataclass(frozen=True)
class Module:
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def identifier(self) -> str | None:
        return self.fields.get("Identifier")

    @property
    def temperature_c(self) -> float | None:
        return _celsius(self.fields.get("Module temperature"))

    def threshold_c(self, which: str) -> float | None:
        """``which``: "high alarm", "low alarm", "high warning", "low warning"."""
        return _celsius(self.fields.get(f"Module temperature {which} threshold"))

    @property
    def raised_flags(self) -> list[str]:
        """Alarm/warning/fault/loss-of-signal flags that are set (``On``/``Yes``)."""
        flagged = []
        for label, value in self.fields.items():
            if "threshold" in label:
                continue
            if re.search(r"alarm|warning|fault|loss of", label, re.I) and value.split()[0] in ("On", "Yes"):
                flagged.append(label)
        return flagged


def _celsius(value: str | None) -> float | None:
    match = _TEMP.match(value or "")
    return float(match[1]) if match else None


@whole_lines
def parse(text: str) -> Module:
    fields: dict[str, str] = {}
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        label, sep, value = line.partition(" : ")
        if not sep:
            label, sep, value = line.partition(":")
        if not sep or not label.strip():
            raise ParseError(f"line {number} is not an `ethtool -m` 'label : value' line: {line[:120]!r}")
        fields[re.sub(r"\s+", " ", label.strip())] = value.strip()
    if "Identifier" not in fields:
        raise ParseError("no 'Identifier' line: not `ethtool -m` output")
    if "Module temperature" in fields and _celsius(fields["Module temperature"]) is None:
        raise ParseError(f"unreadable Module temperature {fields['Module temperature']!r}")
    return Module(fields)
