"""The NCCL version, from ``strings libnccl.so | grep -m1 'NCCL version'`` or an ``NCCL_DEBUG=INFO`` banner.

Examples::

    NCCL version 2.21.5+cuda12.4
    node01:41234:41234 [0] NCCL INFO NCCL version 2.21.5+cuda12.4
    NCCL version 2.28.3 compiled with CUDA 13.0      (strings of the 2.28 library: tests/fixtures/recorded_h100)

Other lines (the rest of a job log) are ignored; the first version line counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "nccl-version"

_VERSION = re.compile(r"NCCL version (?P<version>\d+\.\d+\.\d+)(?:\+cuda(?P<cuda>[\d.]+)| compiled with CUDA (?P<cc>[\d.]+))?")


@dataclass(frozen=True)
class NcclVersion:
    version: str
    cuda: str | None

    @property
    def as_tuple(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))


@whole_lines
def parse(text: str) -> NcclVersion:
    for line in lines(text):
        if (match := _VERSION.search(line)):
            return NcclVersion(match["version"], match["cuda"] or match["cc"])
    shown = next((line.strip() for line in lines(text) if line.strip()), "")
    raise ParseError(f"no `NCCL version x.y.z` line; first line: {shown!r}")
