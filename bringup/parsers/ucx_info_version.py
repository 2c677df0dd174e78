"""``ucx_info -v``: the UCX library version. Example (UCX 1.16)::

    # Library version: 1.16.0
    # Library path: /usr/lib/x86_64-linux-gnu/libucs.so.0
    # API headers version: 1.16.0
    # Git branch '', revision e4bb802
    # Configured with: --disable-logging --disable-debug --disable-assertions --with-verbs --with-rdmacm

UCX before 1.13 prints ``# UCT version=1.12.1 revision dc92435`` instead of the ``Library version`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ucx_info-v"

_NEW = re.compile(r"^#\s*Library version:\s*(\S+)")
_OLD = re.compile(r"^#\s*UCT version=(\S+)(?:\s+revision\s+(\S+))?")
_REV = re.compile(r"revision\s+([0-9a-f]+)")
_CONF = re.compile(r"^#\s*[Cc]onfigured with:\s*(.*)$")


@dataclass(frozen=True)
class UcxVersion:
    version: str
    revision: str | None
    configured_with: str | None


@whole_lines
def parse(text: str) -> UcxVersion:
    version = revision = configured = None
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            raise ParseError(f"line {number} is not `ucx_info -v` output: {stripped!r}")
        if (match := _NEW.match(stripped)) or (match := _OLD.match(stripped)):
            version = match[1]
        if (match := _REV.search(stripped)):
            revision = match[1]
        if (match := _CONF.match(stripped)):
            configured = match[1]
    if version is None:
        raise ParseError("no `Library version:` or `UCT version=` line")
    return UcxVersion(version, revision, configured)
