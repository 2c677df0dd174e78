"""``ip -j rule show``: policy-routing rules. Example (iproute2 6.1, one source rule per rail)::

    [{"priority":0,"src":"all","table":"local"},
     {"priority":1001,"src":"198.19.16.11","table":"101"},
     {"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]

A prefix source adds ``"srclen":24``; a host source has none (it is /32). Tables print by name when
``/etc/iproute2/rt_tables`` names them, otherwise as a number in a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError

TOOL = "ip-rule"


@dataclass(frozen=True)
class Rule:
    priority: int
    src: str  # "all", or an address; with srclen a prefix
    srclen: int | None
    table: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@jsonout.shape_checked("ip -j rule show")
def parse(text: str) -> list[Rule]:
    rules = []
    for item in jsonout.load_list(text, "ip -j rule show"):
        if "priority" not in item:
            raise ParseError(f"`ip -j rule` entry without priority: {str(item)[:120]!r}")
        priority = jsonout.integer(item["priority"], "`ip -j rule` priority")
        rules.append(Rule(priority, item.get("src", "all"), item.get("srclen"), item.get("table"), item))
    return rules
