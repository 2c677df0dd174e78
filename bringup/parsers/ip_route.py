"""``ip -j route show table <t>`` and ``ip -j route get <dst> from <src>``. Examples (iproute2 6.1)::

    [{"dst":"198.19.16.0/24","dev":"enp24s0np0","scope":"link","prefsrc":"198.19.16.11","flags":[]}]

    [{"dst":"198.19.16.12","from":"198.19.16.11","dev":"enp24s0np0","table":"101","flags":[],"uid":0,
      "cache":[]}]

``route get`` prints one entry and ``"table"`` only when the lookup left the main table; a default route
reads ``"dst":"default"`` with a ``"gateway"``. An empty table prints ``[]`` (or nothing on some versions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError

TOOL = "ip-route"


@dataclass(frozen=True)
class Route:
    dst: str
    dev: str | None
    table: str | None
    prefsrc: str | None
    source: str | None  # "from" of `route get`
    gateway: str | None
    type: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@jsonout.shape_checked("ip -j route")
def parse(text: str) -> list[Route]:
    if not text.strip():
        return []
    routes = []
    for item in jsonout.load_list(text, "ip -j route"):
        if "dst" not in item:
            raise ParseError(f"`ip -j route` entry without dst: {str(item)[:120]!r}")
        routes.append(Route(item["dst"], item.get("dev"), item.get("table"), item.get("prefsrc"), item.get("from"),
                            item.get("gateway"), item.get("type"), item))
    return routes
