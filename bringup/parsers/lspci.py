"""``lspci -Dnn``: one PCI function per line with class and vendor:device ids.

Example (pciutils 3.x on an HGX H100 node)::

    0000:18:00.0 3D controller [0302]: NVIDIA Corporation GH100 [H100 SXM5 80GB] [10de:2330] (rev a1)
    0000:1a:00.0 Ethernet controller [0200]: Mellanox Technologies MT2910 Family [ConnectX-7] [15b3:1021]
    0000:1a:00.2 Ethernet controller [0200]: Mellanox Technologies ConnectX Family mlx5Gen Virtual Function [15b3:101e]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "lspci-nn"

_LINE = re.compile(
    r"^(?P<slot>(?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (?P<cls>.+?) \[(?P<class_id>[0-9a-f]{4})\]: "
    r"(?P<desc>.*) \[(?P<vendor>[0-9a-f]{4}):(?P<device>[0-9a-f]{4})\](?: \(rev (?P<rev>[0-9a-f]+)\))?"
    r"(?: \(prog-if [^)]*\))?$"
)


@dataclass(frozen=True)
class PciFunction:
    slot: str
    class_name: str
    class_id: str
    description: str
    vendor: str
    device: str
    revision: str | None

    @property
    def is_virtual_function(self) -> bool:
        return "Virtual Function" in self.description


@whole_lines
def parse(text: str) -> list[PciFunction]:
    devices = []
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line.strip())
        if not match:
            raise ParseError(f"line {number} is not `lspci -Dnn` output: {line.strip()!r}")
        devices.append(
            PciFunction(match["slot"], match["cls"], match["class_id"], match["desc"], match["vendor"],
                        match["device"], match["rev"])
        )
    return devices


def gpus(devices: list[PciFunction]) -> list[PciFunction]:
    """NVIDIA display/3D controllers (class 03xx); NVSwitch bridges (0680) are not GPUs."""
    return [d for d in devices if d.vendor == "10de" and d.class_id.startswith("03")]


def nics(devices: list[PciFunction], vendor: str, device: str | None = None) -> list[PciFunction]:
    """Physical network/InfiniBand functions (class 02xx) of a vendor, and of one device id if given;
    virtual functions excluded."""
    return [d for d in devices if d.vendor == vendor and d.class_id.startswith("02") and not d.is_virtual_function
            and (device is None or d.device == device)]
