"""``nvidia-smi nvlink -s`` (``--status``): per-GPU NVLink state. Example (driver 535, H100 SXM)::

    GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-4039dfe4-0c97-4b1e-683e-eb7d42699053)
    	 Link 0: 26.562 GB/s
    	 Link 1: 26.562 GB/s
    	 ...
    	 Link 17: 26.562 GB/s

A link that is down prints ``Link 3: <inactive>``; GPUs without NVLink print only their ``GPU n:`` line.
Driver 580 prints nothing at all (exit 0) when no GPU exposes NVLink, as recorded on a single H100 SXM in a
VM (tests/fixtures/recorded_h100/nvidia-smi-nvlink-s.out): an empty output is an empty mapping, and the L11
check decides whether that is acceptable. Any other line, or a ``Link`` line before a ``GPU n:`` line, raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "nvidia-smi-nvlink-s"

_GPU = re.compile(r"^GPU (\d+): (.+?) \(UUID: ([^)]+)\)$")
_LINK = re.compile(r"^Link (\d+): (?:(?P<speed>\d+(?:\.\d+)?) GB/s|(?P<inactive><inactive>))$")


@dataclass
class GpuLinks:
    index: int
    name: str
    links: dict[int, float | None] = field(default_factory=dict)  # link -> GB/s, None when inactive

    @property
    def inactive(self) -> list[int]:
        return sorted(link for link, speed in self.links.items() if speed is None)


@whole_lines
def parse(text: str) -> dict[int, GpuLinks]:
    gpus: dict[int, GpuLinks] = {}
    current = None
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if (match := _GPU.match(stripped)):
            current = gpus[int(match[1])] = GpuLinks(int(match[1]), match[2])
        elif (match := _LINK.match(stripped)) and current is not None:
            current.links[int(match[1])] = float(match["speed"]) if match["speed"] else None
        else:
            raise ParseError(f"line {number} is not `nvidia-smi nvlink -s` output: {stripped!r}")
    return gpus
