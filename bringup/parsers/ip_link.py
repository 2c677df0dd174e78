"""``ip -j -d link show``: interfaces with MTU, state and SR-IOV VF list. Example (iproute2 6.1, abridged)::

    [{"ifindex":4,"ifname":"enp24s0np0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,
      "qdisc":"mq","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,
      "link_type":"ether","address":"a0:88:c2:1f:40:10","broadcast":"ff:ff:ff:ff:ff:ff",
      "min_mtu":68,"max_mtu":9978,"num_vf":2,
      "vfinfo_list":[{"vf":0,"link_type":"ether","address":"1e:6c:0a:00:10:00","spoofchk":false,
                      "link_state":"auto","trust":false,"query_rss_en":false}, ...]}]

A veth adds ``"link":"<peer>"`` and ``"linkinfo":{"info_kind":"veth"}``. Older iproute2 (5.x) prints the
same keys; ``-d`` adds min/max MTU and linkinfo. Anything that is not a JSON array of objects is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError

TOOL = "ip-link"


@dataclass(frozen=True)
class Link:
    ifname: str
    mtu: int
    operstate: str
    flags: tuple[str, ...]
    kind: str | None
    vfs: tuple[dict[str, Any], ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def up(self) -> bool:
        return "UP" in self.flags and "LOWER_UP" in self.flags


def parse(text: str) -> dict[str, Link]:
    links = {}
    for item in jsonout.load_list(text, "ip -j link show"):
        if "ifname" not in item or "mtu" not in item:
            raise ParseError(f"`ip -j link` entry without ifname/mtu: {str(item)[:120]!r}")
        links[item["ifname"]] = Link(
            item["ifname"], int(item["mtu"]), item.get("operstate", "UNKNOWN"), tuple(item.get("flags", ())),
            (item.get("linkinfo") or {}).get("info_kind"), tuple(item.get("vfinfo_list", ())), item)
    return links
