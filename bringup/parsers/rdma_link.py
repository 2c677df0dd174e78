"""``rdma -j link show`` (iproute2 ``rdma``), or its text form. Examples (iproute2 6.1, ConnectX-7 RoCE)::

    [{"ifindex":0,"ifname":"mlx5_0","port":1,"state":"ACTIVE","physical_state":"LINK_UP",
      "netdev":"enp24s0np0","netdev_index":4}]

    link mlx5_0/1 state ACTIVE physical_state LINK_UP netdev enp24s0np0

An InfiniBand port adds subnet_prefix/lid/sm_lid/lmc; a RoCE port whose netdev is gone has no ``netdev``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError, lines, require_whole_last_line

TOOL = "rdma-link"

_TEXT = re.compile(r"^(?:link )?(?P<dev>\S+)/(?P<port>\d+)(?P<rest>(?: \S+ \S+)*)\s*$")


@dataclass(frozen=True)
class RdmaLink:
    device: str
    port: int
    state: str | None
    physical_state: str | None
    netdev: str | None


def _text(text: str) -> list[RdmaLink]:
    links = []
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _TEXT.match(line)
        if not match:
            raise ParseError(f"line {number} is not `rdma link show` output: {line[:120]!r}")
        words = match["rest"].split()
        attrs = dict(zip(words[::2], words[1::2]))
        links.append(RdmaLink(match["dev"], int(match["port"]), attrs.get("state"), attrs.get("physical_state"),
                              attrs.get("netdev")))
    require_whole_last_line(text)
    return links


@jsonout.shape_checked("rdma -j link show")
def parse(text: str) -> list[RdmaLink]:
    if not text.lstrip().startswith("["):
        return _text(text)
    links = []
    for item in jsonout.load_list(text, "rdma -j link show"):
        if "ifname" not in item or "port" not in item:
            raise ParseError(f"`rdma -j link` entry without ifname/port: {str(item)[:120]!r}")
        port = jsonout.integer(item["port"], f"`rdma -j link` {item['ifname']} port")
        links.append(RdmaLink(item["ifname"], port, item.get("state"), item.get("physical_state"), item.get("netdev")))
    return links
