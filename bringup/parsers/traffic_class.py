"""MLNX_OFED ``/sys/class/infiniband/<dev>/tc/<port>/traffic_class``: the verbs default ToS. Examples::

    Global tclass=106

Some driver versions print just ``106``; a cleared value (``echo tclass=-1 > ...``) reads empty.
Returns the ToS, or None when unset.
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "traffic_class"


@whole_lines
def parse(text: str) -> int | None:
    values = [line.strip() for line in lines(text) if line.strip()]
    if not values:
        return None
    if len(values) > 1:
        raise ParseError(f"expected one line, got {len(values)}: {values[:2]}")
    match = re.fullmatch(r"(?:Global )?(?:tclass=)?(-?\d+)", values[0])
    if not match:
        raise ParseError(f"not a traffic_class value: {values[0][:80]!r}")
    tos = int(match[1])
    return None if tos < 0 else tos
