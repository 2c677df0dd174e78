"""Single-value outputs: ``nproc``, ``uname -r``, sysfs attribute files. Example: ``64``."""

from __future__ import annotations

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "scalar"


@whole_lines
def parse(text: str) -> str:
    values = [line.strip() for line in lines(text) if line.strip()]
    if len(values) != 1:
        raise ParseError(f"expected exactly one value, got {len(values)} lines: {values[:3]}")
    return values[0]


def parse_int(text: str) -> int:
    value = parse(text)
    try:
        return int(value)
    except ValueError:
        raise ParseError(f"not an integer: {value!r}") from None
