"""The GID table from sysfs, read with ``grep -H`` (what ``show_gids`` reads too). Paths per the kernel's
``Documentation/ABI/testing/sysfs-class-infiniband``: ``ports/<p>/gids/<n>`` holds the GID,
``gid_attrs/types/<n>`` reads ``IB/RoCE v1`` or ``RoCE v2``, ``gid_attrs/ndevs/<n>`` the netdev. Example::

    /sys/class/infiniband/mlx5_0/ports/1/gids/3:0000:0000:0000:0000:0000:ffff:c613:100b
    /sys/class/infiniband/mlx5_0/ports/1/gid_attrs/types/3:RoCE v2
    /sys/class/infiniband/mlx5_0/ports/1/gid_attrs/ndevs/3:enp24s0np0

An empty slot reads all zeros (and its type file fails with EINVAL, so grep reports it on stderr); zero
GIDs are dropped here.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from bringup.parsers import grep_h
from bringup.parsers.common import ParseError, whole_lines

TOOL = "gid-sysfs"

_PATH = re.compile(r"/infiniband/(?P<dev>[^/]+)/ports/(?P<port>\d+)/(?P<what>gids|gid_attrs/types|gid_attrs/ndevs)/"
                   r"(?P<index>\d+)$")


@dataclass(frozen=True)
class Gid:
    device: str
    port: int
    index: int
    gid: str
    type: str | None
    netdev: str | None

    @property
    def ipv4(self) -> str | None:
        """The IPv4 address of an IPv4-mapped GID (``::ffff:a.b.c.d``), else None."""
        mapped = ipaddress.IPv6Address(self.gid).ipv4_mapped
        return str(mapped) if mapped else None


@whole_lines
def parse(text: str) -> list[Gid]:
    slots: dict[tuple[str, int, int], dict[str, str]] = {}
    for path, value in grep_h.parse(text).items():
        match = _PATH.search(path)
        if not match:
            raise ParseError(f"not a GID sysfs path: {path[:120]!r}")
        slots.setdefault((match["dev"], int(match["port"]), int(match["index"])), {})[match["what"]] = value
    gids = []
    for (dev, port, index), attrs in sorted(slots.items()):
        gid = attrs.get("gids")
        if gid is None:
            continue
        try:
            address = ipaddress.IPv6Address(gid)
        except ValueError:
            raise ParseError(f"{dev} port {port} GID {index}: not a GID {gid!r}") from None
        if address == ipaddress.IPv6Address(0):
            continue
        gids.append(Gid(dev, port, index, gid, attrs.get("gid_attrs/types"), attrs.get("gid_attrs/ndevs")))
    return gids
