"""``getent hosts NAME...``: one line per resolved name. Example::

    198.18.0.11     node01
    198.18.0.12     node02 node02.lab

A name that does not resolve prints nothing (and getent exits 2).
"""

from __future__ import annotations

import ipaddress

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "getent_hosts"


@whole_lines
def parse(text: str) -> dict[str, str]:
    """{name or alias: address}"""
    result: dict[str, str] = {}
    for line in lines(text):
        parts = line.split()
        if not parts:
            continue
        try:
            ipaddress.ip_address(parts[0])
        except ValueError:
            raise ParseError(f"not a `getent hosts` line: {line!r}") from None
        if len(parts) < 2:
            raise ParseError(f"address without a name: {line!r}")
        for name in parts[1:]:
            result.setdefault(name, parts[0])
    return result
