"""Ranks per host from a launcher running ``hostname`` (``mpirun ... hostname | sort | uniq -c``). Example::

          1 node01
          1 node02
"""

from __future__ import annotations

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "hostname_counts"


@whole_lines
def parse(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in lines(text):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or not parts[0].isdecimal():
            raise ParseError(f"not a `uniq -c` line: {line!r}")
        counts[parts[1]] = counts.get(parts[1], 0) + int(parts[0])
    if not counts:
        raise ParseError("no ranks reported")
    return counts
