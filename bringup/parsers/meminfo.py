"""``/proc/meminfo``: ``Key:   value kB`` lines. Example::

    MemTotal:       2113389012 kB
    MemFree:        2052219636 kB
    HugePages_Total:       0
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "meminfo"
_LINE = re.compile(r"^([A-Za-z0-9_()]+):\s+(\d+)(?: kB)?$")


@whole_lines
def parse(text: str) -> dict[str, int]:
    """Values in bytes (kB fields) or counts (HugePages_*)."""
    values: dict[str, int] = {}
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line.strip())
        if not match:
            raise ParseError(f"line {number} is not /proc/meminfo output: {line.strip()!r}")
        scale = 1024 if line.rstrip().endswith("kB") else 1
        values[match[1]] = int(match[2]) * scale
    if "MemTotal" not in values:
        raise ParseError("no MemTotal line: truncated /proc/meminfo?")
    return values
