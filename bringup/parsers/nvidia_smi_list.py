"""``nvidia-smi -L``. Example::

    GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-6f3c9a3e-2b1d-4a2f-9c1e-0d1a2b3c4d5e)
    GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d)

MIG-enabled GPUs add indented ``MIG 1g.10gb Device 0: (UUID: MIG-...)`` lines, which are not GPUs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "nvidia-smi-L"
_GPU = re.compile(r"^GPU (\d+): (.+?) \(UUID: (GPU-[0-9a-fA-F-]+)\)$")


@dataclass(frozen=True)
class Gpu:
    index: int
    name: str
    uuid: str


@whole_lines
def parse(text: str) -> list[Gpu]:
    gpus = []
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("MIG "):
            continue
        match = _GPU.match(stripped)
        if not match:
            raise ParseError(f"line {number} is not `nvidia-smi -L` output: {stripped!r}")
        gpus.append(Gpu(int(match[1]), match[2], match[3]))
    return gpus
