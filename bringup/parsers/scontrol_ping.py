"""``scontrol ping``: is each slurmctld up? Example (Slurm 22.05)::

    Slurmctld(primary) at node01 is UP
    Slurmctld(backup) at node02 is DOWN
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "scontrol_ping"
_LINE = re.compile(r"^Slurmctld\((?P<role>\w+)\) at (?P<host>\S+) is (?P<state>UP|DOWN)\s*$")


@whole_lines
def parse(text: str) -> dict[str, dict[str, str]]:
    """{role: {"host": ..., "state": "UP"|"DOWN"}}"""
    result = {}
    for line in lines(text):
        if not line.strip():
            continue
        match = _LINE.match(line.strip())
        if not match:
            raise ParseError(f"not a `scontrol ping` line: {line!r}")
        result[match["role"]] = {"host": match["host"], "state": match["state"]}
    if not result:
        raise ParseError("`scontrol ping` printed nothing")
    return result
