"""``ethtool -g <if>``: ring sizes. Example (ethtool 6.x, ConnectX-7, mlx5 max 8192)::

    Ring parameters for enp24s0np0:
    Pre-set maximums:
    RX:			8192
    RX Mini:		n/a
    RX Jumbo:		n/a
    TX:			8192
    Current hardware settings:
    RX:			8192
    RX Mini:		n/a
    RX Jumbo:		n/a
    TX:			8192

ethtool 5.x/6.x may add ``RX Buf Len``, ``CQE Size``, ``TX Push``, ``TCP data split`` lines; older ones
print ``0`` instead of ``n/a``. Unknown keys are kept; ``n/a`` becomes None.
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ethtool-g"


@dataclass(frozen=True)
class Rings:
    netdev: str
    maximum: dict[str, int | str | None]
    current: dict[str, int | str | None]


def _value(text: str) -> int | str | None:
    if text == "n/a":
        return None
    return int(text) if text.isdecimal() else text


@whole_lines
def parse(text: str) -> Rings:
    netdev = None
    sections: dict[str, dict[str, int | str | None]] = {}
    section = None
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("Ring parameters for "):
            netdev = line.removeprefix("Ring parameters for ").rstrip(":")
        elif line in ("Pre-set maximums:", "Current hardware settings:"):
            section = line
            sections[section] = {}
        elif section is not None and ":" in line:
            key, _, value = line.partition(":")
            sections[section][key.strip()] = _value(value.strip())
        else:
            raise ParseError(f"line {number} is not `ethtool -g` output: {line[:120]!r}")
    if netdev is None:
        raise ParseError("no 'Ring parameters for <if>:' header")
    current = sections.get("Current hardware settings:", {})
    if "RX" not in current or "TX" not in current:
        raise ParseError(f"no current RX/TX ring sizes for {netdev}: output truncated")
    return Rings(netdev, sections.get("Pre-set maximums:", {}), current)
