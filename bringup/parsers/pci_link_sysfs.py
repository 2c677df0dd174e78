"""PCIe link attributes from sysfs, read in the device's folder with ``grep -H .``. Example (Linux 5.15)::

    current_link_speed:32.0 GT/s PCIe
    current_link_width:16
    max_link_speed:32.0 GT/s PCIe
    max_link_width:16

Kernels before 5.2 print the speed without ``PCIe`` (``8 GT/s``); ``Unknown`` appears for a link that is down
(drivers/pci/pci-sysfs.c). This is the fallback for ``lspci -vvv`` where pciutils is missing or not root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "pci-link-sysfs"

_SPEED = re.compile(r"^(?:(?P<gts>\d+(?:\.\d+)?) GT/s(?: PCIe)?|Unknown(?: speed)?)$")
_FILES = ("current_link_speed", "current_link_width", "max_link_speed", "max_link_width")


@dataclass(frozen=True)
class SysfsLink:
    speed_gts: float | None
    width: int
    max_speed_gts: float | None
    max_width: int

    @property
    def downgraded(self) -> bool:
        return (self.speed_gts or 0) < (self.max_speed_gts or 0) or self.width < self.max_width


def _speed(value: str, number: int) -> float | None:
    match = _SPEED.match(value)
    if not match:
        raise ParseError(f"line {number}: not a link speed: {value!r}")
    return float(match["gts"]) if match["gts"] else None


@whole_lines
def parse(text: str) -> SysfsLink:
    values: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        name, sep, value = line.strip().partition(":")
        if not sep or name not in _FILES:
            raise ParseError(f"line {number} is not a PCIe link attribute (name:value): {line.strip()!r}")
        values[name] = (number, value.strip())
    missing = [f for f in _FILES if f not in values]
    if missing:
        raise ParseError(f"missing {', '.join(missing)} (truncated output?)")
    for name in ("current_link_width", "max_link_width"):
        number, value = values[name]
        if not re.fullmatch(r"\d+", value):  # int() would also take "+1" and "1_6"
            raise ParseError(f"line {number}: {name} is not a number of lanes: {value!r}")
    width, max_width = int(values["current_link_width"][1]), int(values["max_link_width"][1])
    return SysfsLink(_speed(values["current_link_speed"][1], values["current_link_speed"][0]), width,
                     _speed(values["max_link_speed"][1], values["max_link_speed"][0]), max_width)
