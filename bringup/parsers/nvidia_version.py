"""``cat /proc/driver/nvidia/version``: the loaded NVIDIA kernel module. Examples (driver 535)::

    NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  535.161.08  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:42:30 UTC 2024
    GCC version:  gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)

The proprietary module reads ``NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.161.08  Tue Mar ...``.
The open kernel module is the one that supports DMA-BUF GPUDirect RDMA (NVIDIA GPU Operator docs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "proc-driver-nvidia-version"

_NVRM = re.compile(r"^NVRM version: NVIDIA UNIX (?P<open>Open Kernel Module for )?(?P<arch>[\w-]+)"
                   r"(?: Kernel Module)?\s+(?P<version>\d+\.\d+(?:\.\d+)?)\b")


@dataclass(frozen=True)
class NvidiaVersion:
    version: str
    open_kernel_module: bool
    arch: str
    gcc: str | None


@whole_lines
def parse(text: str) -> NvidiaVersion:
    found = None
    gcc = None
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if stripped.startswith("NVRM version:"):
            found = _NVRM.match(stripped)
            if not found:
                raise ParseError(f"line {number}: cannot read the driver version from {stripped!r}")
        elif stripped.startswith("GCC version:"):
            gcc = stripped.split(":", 1)[1].strip()
        elif stripped:
            raise ParseError(f"line {number} is not /proc/driver/nvidia/version content: {stripped!r}")
    if found is None:
        raise ParseError("no `NVRM version:` line")
    return NvidiaVersion(found["version"], bool(found["open"]), found["arch"], gcc)
