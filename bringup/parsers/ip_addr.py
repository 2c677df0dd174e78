"""``ip -j addr show``: addresses per interface. Example (iproute2 6.1, abridged)::

    [{"ifindex":4,"ifname":"enp24s0np0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":9000,
      "operstate":"UP","addr_info":[{"family":"inet","local":"198.19.16.11","prefixlen":24,
      "scope":"global","label":"enp24s0np0","valid_life_time":4294967295,"preferred_life_time":4294967295},
      {"family":"inet6","local":"fe80::a288:c2ff:fe1f:4010","prefixlen":64,"scope":"link", ...}]}]
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError

TOOL = "ip-addr"


@dataclass(frozen=True)
class Interface:
    ifname: str
    operstate: str
    ipv4: tuple[ipaddress.IPv4Interface, ...]
    ipv6: tuple[ipaddress.IPv6Interface, ...]


@jsonout.shape_checked("ip -j addr show")
def parse(text: str) -> dict[str, Interface]:
    found = {}
    for item in jsonout.load_list(text, "ip -j addr show"):
        if "ifname" not in item:
            raise ParseError(f"`ip -j addr` entry without ifname: {str(item)[:120]!r}")
        v4, v6 = [], []
        for addr in item.get("addr_info", ()):
            try:
                iface = ipaddress.ip_interface(f"{addr['local']}/{addr['prefixlen']}")
            except (KeyError, ValueError):
                raise ParseError(f"{item['ifname']}: unreadable addr_info entry {str(addr)[:120]!r}") from None
            (v4 if iface.version == 4 else v6).append(iface)
        found[item["ifname"]] = Interface(item["ifname"], item.get("operstate", "UNKNOWN"), tuple(v4), tuple(v6))
    return found
