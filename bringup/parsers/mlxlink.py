"""``mlxlink -d <dev> -e -c`` (NVIDIA MFT): port state and BER. Example (MFT 4.2x, ConnectX-7 at 400G,
abridged; section layout per NVIDIA's "mlxlink Utility" page)::

    Operational Info
    ----------------
    State                              : Active
    Physical state                     : LinkUp
    Speed                              : 400G
    Width                              : 4x
    FEC                                : Standard_RS-FEC - (544,514)
    Loopback Mode                      : No Loopback
    Auto Negotiation                   : ON

    Physical Counters and BER Info
    ------------------------------
    Time Since Last Clear [Min]        : 1460.2
    Effective Physical Errors          : 0
    Effective Physical BER             : 15E-255
    Raw Physical Errors Per Lane       : 0,0,0,0
    Raw Physical BER                   : 2E-10
    Link Down Counter                  : 0

mlxlink colours some values with ANSI escapes even into a pipe; they are stripped. BER values are
mantissa ``E`` exponent, e.g. ``15E-255`` (no error seen yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "mlxlink"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class LinkInfo:
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def state(self) -> str:
        return self.fields["State"]

    @property
    def physical_state(self) -> str | None:
        return self.fields.get("Physical state")

    def ber(self, name: str) -> float | None:
        value = self.fields.get(name)
        return float(value) if value else None


@whole_lines
def parse(text: str) -> LinkInfo:
    fields: dict[str, str] = {}
    for number, raw in enumerate(lines(_ANSI.sub("", text)), start=1):
        line = raw.strip()
        if not line or set(line) == {"-"}:
            continue
        key, sep, value = line.partition(" : ")
        if sep:
            fields[key.strip()] = value.strip()
        elif " " in line and ":" in line:
            raise ParseError(f"line {number} is not an mlxlink 'Field : value' line: {line[:120]!r}")
        # else: a section title ("Operational Info") or a tool note
    if "State" not in fields:
        raise ParseError("no 'State' field: not mlxlink output")
    for name in ("Effective Physical BER", "Raw Physical BER"):
        if name in fields:
            try:
                float(fields[name])
            except ValueError:
                raise ParseError(f"{name} {fields[name]!r} is not a number") from None
    return LinkInfo(fields)
