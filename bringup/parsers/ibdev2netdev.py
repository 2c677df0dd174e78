"""``ibdev2netdev`` (MLNX_OFED/DOCA script): RDMA device port -> netdev. Examples::

    mlx5_0 port 1 ==> enp24s0np0 (Up)
    mlx5_1 port 1 ==> enp42s0np0 (Down)

    0000:18:00.0 mlx5_0 (MT4129 - MCX75310AAS-NEAT) NVIDIA ConnectX-7 ... fw 28.39.1002 port 1 (ACTIVE) ==> \
        enp24s0np0 (Up)

The second form is ``ibdev2netdev -v``, on one line (wrapped here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ibdev2netdev"

_SHORT = re.compile(r"^(?P<dev>\S+) port (?P<port>\d+) ==> (?P<netdev>\S+) \((?P<state>\w+)\)$")
_VERBOSE = re.compile(r"^(?P<pci>[0-9a-fA-F:.]+) (?P<dev>\S+) .* port (?P<port>\d+) \((?P<port_state>\w+)\) "
                      r"==> (?P<netdev>\S+) \((?P<state>\w+)\)$")


@dataclass(frozen=True)
class Mapping:
    device: str
    port: int
    netdev: str
    up: bool


@whole_lines
def parse(text: str) -> list[Mapping]:
    found = []
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _SHORT.match(line) or _VERBOSE.match(line)
        if not match:
            raise ParseError(f"line {number} is not `ibdev2netdev` output: {line[:120]!r}")
        found.append(Mapping(match["dev"], int(match["port"]), match["netdev"], match["state"] == "Up"))
    return found
