"""``grep -H . /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor``. Example::

    /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor:performance
    /sys/devices/system/cpu/cpu1/cpufreq/scaling_governor:performance
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "cpufreq-governor"
_LINE = re.compile(r"^/sys/devices/system/cpu/cpu(\d+)/cpufreq/scaling_governor:(\S+)$")


@whole_lines
def parse(text: str) -> dict[int, str]:
    governors = {}
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line.strip())
        if not match:
            raise ParseError(f"line {number} is not `grep -H` of scaling_governor: {line.strip()!r}")
        governors[int(match[1])] = match[2]
    return governors
