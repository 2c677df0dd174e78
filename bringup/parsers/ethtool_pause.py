"""``ethtool -a <if>``: 802.3x global pause. Example (ethtool 6.x, ConnectX-7 with PFC instead of pause)::

    Pause parameters for enp24s0np0:
    Autonegotiate:	off
    RX:		off
    TX:		off

Newer ethtool may add ``RX negotiated:``/``TX negotiated:`` lines when autonegotiation is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ethtool-a"


@dataclass(frozen=True)
class Pause:
    netdev: str
    autoneg: bool | None
    rx: bool
    tx: bool


def _onoff(value: str, number: int) -> bool:
    if value not in ("on", "off"):
        raise ParseError(f"line {number}: expected on/off, got {value!r}")
    return value == "on"


@whole_lines
def parse(text: str) -> Pause:
    netdev = None
    values: dict[str, bool] = {}
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("Pause parameters for "):
            netdev = line.removeprefix("Pause parameters for ").rstrip(":")
            continue
        key, sep, value = line.partition(":")
        if netdev is None or not sep:
            raise ParseError(f"line {number} is not `ethtool -a` output: {line[:120]!r}")
        values[key.strip()] = _onoff(value.strip(), number)
    if netdev is None:
        raise ParseError("no 'Pause parameters for <if>:' header")
    if "RX" not in values or "TX" not in values:
        raise ParseError(f"no RX/TX pause lines for {netdev}: output truncated")
    return Pause(netdev, values.get("Autonegotiate"), values["RX"], values["TX"])
