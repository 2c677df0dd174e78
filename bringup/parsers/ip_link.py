"""``ip -j -d link show``: interfaces with MTU, state and SR-IOV VF list. Example (iproute2 6.1, abridged)::

    [{"ifindex":4,"ifname":"enp24s0np0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,
      "qdisc":"mq","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,
      "link_type":"ether","address":"a0:88:c2:1f:40:10","broadcast":"ff:ff:ff:ff:ff:ff",
      "min_mtu":68,"max_mtu":9978,"num_vf":2,
      "vfinfo_list":[{"vf":0,"link_type":"ether","address":"1e:6c:0a:00:10:00","spoofchk":false,
                      "link_state":"auto","trust":false,"query_rss_en":false}, ...]}]

A veth adds ``"link":"<peer>"`` and ``"linkinfo":{"info_kind":"veth"}``. Older iproute2 (5.x) prints the
same keys; ``-d`` adds min/max MTU and linkinfo. The text form (no ``-j``; iproute2 < 4.14 has no JSON) is
read too, for name, flags, MTU, state, kind and VF lines::

    4: enp24s0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc mq state UP mode DEFAULT group default qlen 1000
        link/ether a0:88:c2:1f:40:10 brd ff:ff:ff:ff:ff:ff
        vf 0     link/ether 1e:6c:0a:00:10:00 brd ff:ff:ff:ff:ff:ff, spoof checking off, link-state auto, trust off
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError, lines, require_whole_last_line

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


_HEADER = re.compile(r"^(\d+): ([^:@\s]+)(?:@[^:\s]+)?: <([^>]*)> mtu (\d+)\b")
_STATE = re.compile(r" state (\S+)")
_VF = re.compile(r"^vf (\d+)\s+(?:link/ether|MAC) ([0-9a-f:]{17})[ ,].*?link-state (\w+)")
_KINDS = ("veth", "bridge", "vlan", "bond", "macvlan", "vxlan", "dummy")


def _text(text: str) -> dict[str, Link]:
    links: dict[str, Link] = {}
    current = None
    # no launcher-prefix stripping: `4: ` is ip's own interface index, not an `srun -l` rank
    for number, raw in enumerate(lines(text, strip_prefixes=False), start=1):
        if not raw.strip():
            continue
        header = _HEADER.match(raw)
        if header:
            current = header[2]
            state = _STATE.search(raw)
            links[current] = Link(current, int(header[4]), state[1] if state else "UNKNOWN",
                                  tuple(header[3].split(",")), None)
            continue
        line = raw.strip()
        if current is None or not raw[0].isspace():
            raise ParseError(f"line {number} is not `ip link show` output: {line[:120]!r}")
        link = links[current]
        vf = _VF.match(line)
        if vf:
            entry = {"vf": int(vf[1]), "address": vf[2], "link_state": vf[3]}
            links[current] = Link(link.ifname, link.mtu, link.operstate, link.flags, link.kind, link.vfs + (entry,))
        elif line.split()[0] in _KINDS and link.kind is None:
            links[current] = Link(link.ifname, link.mtu, link.operstate, link.flags, line.split()[0], link.vfs)
    if not links:
        raise ParseError("no interface header line: not `ip link show` output")
    require_whole_last_line(text)
    return links


@jsonout.shape_checked("ip -j link show")
def parse(text: str) -> dict[str, Link]:
    if text.strip() and not text.lstrip().startswith(("[", "{")):
        return _text(text)
    links = {}
    for item in jsonout.load_list(text, "ip -j link show"):
        if "ifname" not in item or "mtu" not in item:
            raise ParseError(f"`ip -j link` entry without ifname/mtu: {str(item)[:120]!r}")
        mtu = jsonout.integer(item["mtu"], f"`ip -j link` {item['ifname']} mtu")
        links[item["ifname"]] = Link(
            item["ifname"], mtu, item.get("operstate", "UNKNOWN"), tuple(item.get("flags", ())),
            (item.get("linkinfo") or {}).get("info_kind"), tuple(item.get("vfinfo_list", ())), item)
    return links
