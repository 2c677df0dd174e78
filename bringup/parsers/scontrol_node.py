"""``scontrol show node NAME``: one node's record as key=value pairs, in the one-line form the probe runs (``-o``)
or the multi-line form users paste. One-line example (abridged)::

    NodeName=node02 Arch=x86_64 CoresPerSocket=1 CPUAlloc=0 CPUTot=2 State=IDLE+DRAIN ThreadsPerCore=1
    Partitions=lab BootTime=2026-11-27T03:12:01 Reason=Not responding [slurm@2026-11-27T03:40:11]

Multi-line (Slurm 22.05, tests/fixtures/scontrol_node/slurm22_down_reason.txt; abridged): the record's first
line starts with ``NodeName=``, the others are indented and each starts with a ``Key=``::

    NodeName=scc112-cpu3 Arch=x86_64 CoresPerSocket=1
       CPUAlloc=0 CPUEfctv=32 CPUTot=32 CPULoad=0.01
       OS=Linux 6.1.110-1.el9.elrepo.x86_64 #1 SMP PREEMPT_DYNAMIC Thu Sep 12 14:17:14 EDT 2024
       State=DOWN ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A
       Reason=Node unexpectedly rebooted [rocky@2024-09-23T04:54:01]

Values may contain spaces (Reason, OS), so a value runs until the next ``Key=`` on its line. ``parse`` takes
one node's record; ``parse_all`` takes ``scontrol show nodes`` (records apart by a blank line, or one per line
with ``-o``). A line that does not start with ``Key=`` inside a record, or a record without NodeName/State,
is a ParseError (a record cut before its State line is one).
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "scontrol_node"
_KEY = r"[A-Za-z][A-Za-z0-9_]*"
_PAIR = re.compile(rf"(?:^|\s)({_KEY})=(.*?)(?=\s+{_KEY}=|\s*$)")
_STARTS_WITH_KEY = re.compile(rf"^{_KEY}=")


@whole_lines
def parse(text: str) -> dict[str, str]:
    records = _records(text)
    if len(records) != 1:
        raise ParseError(f"expected one node record (scontrol show node NAME), got {len(records)}: "
                         f"{', '.join(r.get('NodeName', '?') for r in records)[:120]}")
    return records[0]


@whole_lines
def parse_all(text: str) -> dict[str, dict[str, str]]:
    """``scontrol show nodes``: ``{NodeName: record}``."""
    return {record["NodeName"]: record for record in _records(text)}


def _records(text: str) -> list[dict[str, str]]:
    groups: list[list[tuple[int, str]]] = []
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if not _STARTS_WITH_KEY.match(line):
            raise ParseError(f"line {number} is not a Key=value line of `scontrol show node`: {line[:120]!r}")
        # A record starts at NodeName= (each line with -o; the unindented first line of the multi-line form).
        if line.startswith("NodeName=") or not groups:
            groups.append([])
        groups[-1].append((number, line))
    if not groups:
        raise ParseError("empty output: no `NodeName=` record")
    return [_record(group) for group in groups]


def _record(group: list[tuple[int, str]]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for _, line in group:
        fields.update((key, value.strip()) for key, value in _PAIR.findall(line))
    first = group[0][1]
    if "NodeName" not in fields or "State" not in fields:
        raise ParseError(f"line {group[0][0]}: record without NodeName=/State= (truncated?): {first[:120]!r}")
    return fields


def state_flags(state: str) -> tuple[str, set[str]]:
    """``IDLE+DRAIN`` -> ("IDLE", {"DRAIN"}); ``DOWN*`` (not responding) -> ("DOWN", {"NOT_RESPONDING"})."""
    flags = set()
    if state.endswith("*"):
        state = state[:-1]
        flags.add("NOT_RESPONDING")
    base, *rest = state.split("+")
    return base.upper(), flags | {f.upper() for f in rest}
