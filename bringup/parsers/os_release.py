"""``/etc/os-release`` (os-release(5)): shell-style KEY=value, values optionally quoted. Example::

    PRETTY_NAME="Ubuntu 22.04.4 LTS"
    NAME="Ubuntu"
    VERSION_ID="22.04"
    ID=ubuntu
"""

from __future__ import annotations

import shlex

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "os-release"


@whole_lines
def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(lines(text), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, raw = line.partition("=")
        if not sep or not key.isidentifier():
            raise ParseError(f"line {number} is not KEY=value: {line!r}")
        try:
            words = shlex.split(raw)
        except ValueError as exc:
            raise ParseError(f"line {number}: {exc}: {line!r}") from None
        values[key] = " ".join(words)
    if "ID" not in values and "NAME" not in values:
        raise ParseError("neither ID nor NAME present: not an os-release file")
    return values
