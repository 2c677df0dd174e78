"""``iperf3 -c <peer> -u -b <rate> -l <len> -t 1 -J``: the client's JSON report of a UDP test (the L15 per-rail
bandwidth probe). Abridged (iperf 3.12, tests/fixtures/iperf3_udp/loopback_2g.json)::

    {"start": {"version": "iperf 3.12", "test_start": {"protocol": "UDP", "blksize": 8972, ...}, ...},
     "end": {"streams": [{"udp": {"bits_per_second": ..., "lost_packets": ..., ...}}],
             "sum": {...},
             "sum_sent": {"bits_per_second": 1468838051.4, "lost_packets": 0, ...},
             "sum_received": {"bits_per_second": 487257314.1, "lost_packets": 13017, "packets": 19909,
                              "lost_percent": 63.3, ...}, ...}}

``sum_received`` is what the server got back over the test (iperf 3.11 and later, esnet/iperf PR #1174);
older clients print only ``sum``, which for UDP holds the sender's figures (esnet/iperf issue #584), the
best there is. The TCP report, whose streams carry ``sender``/``receiver``, is :mod:`bringup.parsers.iperf3`.
A client that never ran still prints JSON, with ``"error"``: a ParseError quoting it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError

TOOL = "iperf3_udp"


@dataclass(frozen=True)
class UdpReport:
    version: str  # "iperf 3.12"
    received_bps: float
    lost_packets: int | None
    packets: int | None
    summary: str  # which end object the figures come from: "sum_received", or "sum" on a pre-3.11 client

    @property
    def received_gbps(self) -> float:
        return self.received_bps / 1e9  # bits_per_second is bits/s; Gb/s decimal, as the contract says


def _count(section: dict[str, Any], key: str) -> int | None:
    value = section.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@jsonout.shape_checked("iperf3 -u -J")
def parse(text: str) -> UdpReport:
    data = jsonout.load(text, "iperf3 -u -J")
    if not isinstance(data, dict):
        raise ParseError(f"iperf3 JSON is not an object: {str(data)[:120]!r}")
    if data.get("error"):
        raise ParseError(f"iperf3 failed: {data['error']}")
    protocol = data["start"]["test_start"]["protocol"]
    if protocol != "UDP":
        raise ParseError(f"iperf3 JSON of a {protocol!r} test, not UDP (-u)")
    end = data["end"]
    summary = "sum_received" if isinstance(end.get("sum_received"), dict) else "sum"
    if not isinstance(end.get(summary), dict):
        raise ParseError("iperf3 JSON has no end.sum_received or end.sum (the test did not finish)")
    section = end[summary]
    rate = section.get("bits_per_second")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not math.isfinite(rate) or rate < 0:
        raise ParseError(f"iperf3 JSON end.{summary}.bits_per_second is not a number: {rate!r}")
    return UdpReport(str(data["start"].get("version", "")), float(rate), _count(section, "lost_packets"),
                     _count(section, "packets"), summary)
