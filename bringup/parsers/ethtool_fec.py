"""``ethtool --show-fec <if>``. Example (ethtool 5.x/6.x, ConnectX-7 at 400GbE with RS-544)::

    FEC parameters for enp24s0np0:
    Supported/Configured FEC encodings: Auto RS
    Active FEC encoding: RS

ethtool 4.x labelled the second line ``Configured FEC encodings:``; ethtool 6.x may append per-lane
statistics when run with ``-I``. ``Active FEC encoding: Off`` means no FEC on the wire, and ``None``
is printed by some drivers for the same state.
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ethtool-fec"


@dataclass(frozen=True)
class Fec:
    netdev: str
    configured: tuple[str, ...]
    active: str


@whole_lines
def parse(text: str) -> Fec:
    netdev = None
    configured: tuple[str, ...] = ()
    active = None
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("FEC parameters for "):
            netdev = line.removeprefix("FEC parameters for ").rstrip(":")
        elif line.startswith(("Supported/Configured FEC encodings:", "Configured FEC encodings:")):
            configured = tuple(line.split(":", 1)[1].split())
        elif line.startswith("Active FEC encoding:"):
            active = line.split(":", 1)[1].strip()
        elif netdev is None:
            raise ParseError(f"line {number} is not `ethtool --show-fec` output: {line[:120]!r}")
    if netdev is None:
        raise ParseError("no 'FEC parameters for <if>:' header")
    if not active:
        raise ParseError(f"no 'Active FEC encoding' for {netdev}: output truncated")
    return Fec(netdev, configured, active)
