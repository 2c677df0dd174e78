"""``scontrol show node NAME -o``: one node's record as key=value pairs. Example (abridged)::

    NodeName=node02 Arch=x86_64 CoresPerSocket=1 CPUAlloc=0 CPUTot=2 State=IDLE+DRAIN ThreadsPerCore=1
    Partitions=lab BootTime=2026-11-27T03:12:01 Reason=Not responding [slurm@2026-11-27T03:40:11]

Values may contain spaces (Reason, OS), so a value runs until the next ``Key=``.
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "scontrol_node"
_PAIR = re.compile(r"(?:^|\s)([A-Za-z][A-Za-z0-9_]*)=(.*?)(?=\s+[A-Za-z][A-Za-z0-9_]*=|\s*$)")


@whole_lines
def parse(text: str) -> dict[str, str]:
    records = [line.strip() for line in lines(text) if line.strip()]
    if len(records) != 1:
        raise ParseError(f"expected one node record (scontrol show node NAME -o), got {len(records)} lines")
    fields = {key: value.strip() for key, value in _PAIR.findall(records[0])}
    if "NodeName" not in fields or "State" not in fields:
        raise ParseError(f"no NodeName=/State= in {records[0][:120]!r}")
    return fields


def state_flags(state: str) -> tuple[str, set[str]]:
    """``IDLE+DRAIN`` -> ("IDLE", {"DRAIN"}); ``DOWN*`` (not responding) -> ("DOWN", {"NOT_RESPONDING"})."""
    flags = set()
    if state.endswith("*"):
        state = state[:-1]
        flags.add("NOT_RESPONDING")
    base, *rest = state.split("+")
    return base.upper(), flags | {f.upper() for f in rest}
