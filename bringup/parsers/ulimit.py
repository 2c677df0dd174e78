"""``ulimit -l`` as printed by sh/bash: ``unlimited`` or a size in KiB (e.g. ``8192``)."""

from __future__ import annotations

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ulimit-l"


@whole_lines
def parse(text: str) -> int | None:
    """KiB, or None for unlimited."""
    values = [line.strip() for line in lines(text) if line.strip()]
    if len(values) != 1:
        raise ParseError(f"expected one line, got {len(values)}: {values[:3]}")
    if values[0] == "unlimited":
        return None
    if not values[0].isdecimal():
        raise ParseError(f"not a number of KiB nor 'unlimited': {values[0]!r}")
    return int(values[0])
