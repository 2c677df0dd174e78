"""``unmunge`` (decoding a credential from ``munge -n``). Example::

    STATUS:          Success (0)
    ENCODE_HOST:     node02 (198.18.0.12)
    ENCODE_TIME:     2026-11-27 03:45:00 +0000 (1795750000)

A foreign key prints ``STATUS: Invalid credential (15)`` (and unmunge exits non-zero).
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "unmunge"
_STATUS = re.compile(r"^(?P<text>.*?)\s*\((?P<code>\d+)\)$")


@whole_lines
def parse(text: str) -> dict[str, str | int]:
    fields: dict[str, str | int] = {}
    for line in lines(text):
        key, sep, value = line.partition(":")
        if sep and key.strip().isupper():
            fields[key.strip()] = value.strip()
    status = fields.get("STATUS")
    if not isinstance(status, str):
        raise ParseError("no STATUS: line in the unmunge output")
    match = _STATUS.match(status)
    if not match:
        raise ParseError(f"unexpected STATUS value {status!r}")
    fields["status_text"], fields["status_code"] = match["text"], int(match["code"])
    return fields
