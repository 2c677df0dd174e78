"""``ofed_info -s``: the installed NVIDIA/Mellanox OFED (or DOCA-host) stack, one line. Examples::

    MLNX_OFED_LINUX-23.10-1.1.9.0:
    OFED-internal-24.10-1.1.4:

The trailing colon is printed by the tool; DOCA-host installs report as ``OFED-internal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ofed_info"

_LINE = re.compile(r"^(?P<flavour>[A-Za-z][A-Za-z_-]*?)-(?P<version>\d[\w.-]*?):?$")


@dataclass(frozen=True)
class OfedInfo:
    flavour: str  # MLNX_OFED_LINUX, OFED-internal, MLNX_EN
    version: str  # 23.10-1.1.9.0


@whole_lines
def parse(text: str) -> OfedInfo:
    content = [line.strip() for line in lines(text) if line.strip()]
    if len(content) != 1:
        raise ParseError(f"`ofed_info -s` prints one line; got {len(content)}: {content[:2]}")
    match = _LINE.match(content[0])
    if not match:
        raise ParseError(f"line 1 is not `ofed_info -s` output: {content[0]!r}")
    return OfedInfo(match["flavour"], match["version"])
