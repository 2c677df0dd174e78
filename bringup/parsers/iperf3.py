"""``iperf3 -J -c <peer> -B <own address> -t 3`` (the client's JSON report; iperf 3.x). Abridged (lab, iperf 3.12)::

    {
      "start": {"connected": [{"socket": 5, "local_host": "198.18.1.11", "local_port": 42081,
                               "remote_host": "198.18.1.12", "remote_port": 5201}],
                "version": "iperf 3.12", ...,
                "test_start": {"protocol": "TCP", "num_streams": 1, "duration": 3, "reverse": 0, ...}},
      "intervals": [...],
      "end": {"streams": [{"sender": {"socket": 5, "bytes": ..., "bits_per_second": ..., "retransmits": 0, ...},
                           "receiver": {"socket": 5, "bytes": ..., "bits_per_second": ..., ...}}],
              "sum_sent": {"seconds": 3.000, "bytes": ..., "bits_per_second": ..., "retransmits": 0, ...},
              "sum_received": {"seconds": 3.001, "bytes": ..., "bits_per_second": ..., ...}, ...}
    }

``sum_received`` is what the server got: the figure a bandwidth check uses (``sum_sent`` counts bytes still in
the sender's socket buffer when the test stopped). ``retransmits`` exists for TCP on Linux only (iperf3 reads
it from TCP_INFO), so it is None elsewhere. A client that never ran still prints JSON, with an ``"error"``
member (``"unable to connect to server - server may have stopped running or use a different port, firewall
issue, etc.: Connection refused"``); that is a :class:`ParseError` quoting it, as is a document cut short.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError, lines

TOOL = "iperf3"


@dataclass(frozen=True)
class Stream:
    socket: int
    sent_bytes: int
    sent_bps: float
    received_bytes: int
    received_bps: float
    retransmits: int | None


@dataclass(frozen=True)
class Report:
    version: str  # "iperf 3.12"
    protocol: str  # "TCP" / "UDP"
    num_streams: int
    duration: float  # the requested -t (0 for a byte-count test, -n)
    blksize: int  # bytes per write (-l; 128 KiB by default for TCP): the "size" of a results row
    reverse: bool
    local_host: str
    remote_host: str
    seconds: float  # how long the receiver measured
    sent_bytes: int
    sent_bps: float
    received_bytes: int
    received_bps: float
    retransmits: int | None
    streams: tuple[Stream, ...]

    @property
    def received_gbps(self) -> float:
        return self.received_bps / 1e9  # iperf3 bits_per_second is bits/s; Gb/s decimal, as the contract says

    @property
    def sent_gbps(self) -> float:
        return self.sent_bps / 1e9


def _section(data: dict[str, Any], *path: str) -> dict[str, Any]:
    node: Any = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            raise ParseError(f"iperf3 JSON has no {'.'.join(path)} (the test did not finish)")
        node = node[key]
    if not isinstance(node, dict):
        raise ParseError(f"iperf3 JSON {'.'.join(path)} is not an object: {str(node)[:120]!r}")
    return node


def _number(section: dict[str, Any], key: str, where: str) -> float:
    value = section.get(key)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise ParseError(f"iperf3 JSON {where}.{key} is not a finite number: {value!r}")
    return value


def _retransmits(section: dict[str, Any]) -> int | None:
    value = section.get("retransmits")
    finite = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return int(value) if finite else None


def _stream(entry: dict[str, Any], index: int) -> Stream:
    sender = _section(entry, "sender")
    receiver = _section(entry, "receiver")
    where = f"end.streams[{index}]"
    return Stream(int(_number(sender, "socket", where + ".sender")),
                  int(_number(sender, "bytes", where + ".sender")), _number(sender, "bits_per_second", where + ".sender"),
                  int(_number(receiver, "bytes", where + ".receiver")),
                  _number(receiver, "bits_per_second", where + ".receiver"), _retransmits(sender))


def _load(text: str) -> Any:
    body = lines(text, strip_prefixes=False)
    joined = "\n".join(body)
    if not joined.strip():
        raise ParseError("empty output: not `iperf3 -J` JSON")
    try:
        return json.loads(joined)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(joined.rstrip()):
            last = next((line.strip() for line in reversed(body) if line.strip()), "")
            raise ParseError(f"iperf3 JSON ends before the document closes (cut short after line {exc.lineno}): "
                             f"last line {last[:120]!r}") from None
        line = body[exc.lineno - 1] if 0 < exc.lineno <= len(body) else ""
        raise ParseError(f"iperf3 JSON broken at line {exc.lineno} ({exc.msg}): {line.strip()[:120]!r}") from None


@jsonout.shape_checked("iperf3 -J")
def parse(text: str) -> Report:
    data = _load(text)
    if not isinstance(data, dict):
        raise ParseError(f"iperf3 JSON is not an object: {str(data)[:120]!r}")
    if data.get("error"):
        raise ParseError(f"iperf3 failed: {data['error']}")
    start = _section(data, "start")
    test = _section(data, "start", "test_start")
    connected = start.get("connected") or [{}]
    sent = _section(data, "end", "sum_sent")
    received = _section(data, "end", "sum_received")
    streams = _section(data, "end").get("streams") or []
    return Report(
        version=str(start.get("version", "")),
        protocol=str(test.get("protocol", "")),
        num_streams=int(test.get("num_streams", len(streams))),
        duration=float(test.get("duration", 0)),
        blksize=int(test.get("blksize", 0)),
        reverse=bool(test.get("reverse", 0)),
        local_host=str(connected[0].get("local_host", "")),
        remote_host=str(connected[0].get("remote_host", "")),
        seconds=_number(received, "seconds", "end.sum_received"),
        sent_bytes=int(_number(sent, "bytes", "end.sum_sent")),
        sent_bps=_number(sent, "bits_per_second", "end.sum_sent"),
        received_bytes=int(_number(received, "bytes", "end.sum_received")),
        received_bps=_number(received, "bits_per_second", "end.sum_received"),
        retransmits=_retransmits(sent),
        streams=tuple(_stream(entry, i) for i, entry in enumerate(streams) if isinstance(entry, dict)),
    )
