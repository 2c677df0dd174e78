"""``ping -M do -s <size> -c N -I <if> <peer>`` (iputils). Example (iputils 20221126, 9000-byte path)::

    PING 198.19.16.12 (198.19.16.12) from 198.19.16.11 enp24s0np0: 8972(9000) bytes of data.
    8980 bytes from 198.19.16.12: icmp_seq=1 ttl=64 time=0.021 ms
    8980 bytes from 198.19.16.12: icmp_seq=2 ttl=64 time=0.018 ms
    8980 bytes from 198.19.16.12: icmp_seq=3 ttl=64 time=0.019 ms

    --- 198.19.16.12 ping statistics ---
    3 packets transmitted, 3 received, 0% packet loss, time 2041ms
    rtt min/avg/max/mdev = 0.018/0.019/0.021/0.001 ms

With a smaller local MTU each probe prints ``ping: local error: message too long, mtu=1500`` and the summary
reads ``3 packets transmitted, 0 received, +3 errors, 100% packet loss``. A path MTU hole further away shows
``From <router> icmp_seq=1 Frag needed and DF set (mtu = 1500)``. ping exits 1 when no reply came back, so
the probe accepts rc 1 and this parser reports what happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ping"

_SUMMARY = re.compile(r"^(\d+) packets transmitted, (\d+) (?:packets )?received,(?: \+(\d+) errors,)?"
                      r"(?: \+\d+ duplicates,)? (\d+(?:\.\d+)?)% packet loss")
_MTU_ERROR = re.compile(r"message too long, mtu=(\d+)|Frag needed and DF set \(mtu = (\d+)\)")


@dataclass(frozen=True)
class Ping:
    transmitted: int
    received: int
    errors: int
    loss_pct: float
    mtu_error: int | None  # the MTU a "message too long"/"Frag needed" reported, if any

    @property
    def ok(self) -> bool:
        return self.transmitted > 0 and self.received == self.transmitted


@whole_lines
def parse(text: str) -> Ping:
    summary = None
    mtu_error = None
    for line in lines(text):
        match = _MTU_ERROR.search(line)
        if match and mtu_error is None:
            mtu_error = int(match[1] or match[2])
        found = _SUMMARY.match(line.strip())
        if found:
            summary = found
    if summary is None:
        head = next((line.strip() for line in lines(text) if line.strip()), "")
        raise ParseError(f"no 'packets transmitted' summary (truncated or not ping output); first line: {head[:120]!r}")
    return Ping(int(summary[1]), int(summary[2]), int(summary[3] or 0), float(summary[4]), mtu_error)
