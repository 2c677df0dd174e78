"""``rdma statistic show [link <dev>/<port>]``: the port's hw counters, as JSON (``-j``, what the probes run) or
as the text users paste. JSON example (iproute2 6.1, mlx5; names from the kernel's
``drivers/infiniband/hw/mlx5/counters.c``; abridged)::

    [{"ifname":"mlx5_0","port":1,"rx_write_requests":0,"rx_read_requests":0,"out_of_buffer":0,
      "out_of_sequence":0,"np_cnp_sent":0,"rp_cnp_handled":0,"np_ecn_marked_roce_packets":0}]

Text, one line per port (MLNX_OFED iproute2; tests/fixtures/rdma_statistic/ofed_text_4ports.txt)::

    link mlx5_0/1 rx_write_requests 0 rx_read_requests 0 rx_atomic_requests 0 out_of_buffer 135 ...

and ``-p``, one counter per indented line under its ``link`` line (iproute2 5.3 cover letter)::

    link mlx5_0/1
    	rx_write_requests 0
    	rx_read_requests 0

A pasted line wrapped by a mail client or terminal (``... rx_atomic_requests`` / ``0 out_of_buffer 0``)
reads the same: the text is a stream of ``name value`` pairs, each ``link`` word opening a port. Newer
iproute2 adds ``optional-counters <list>``; non-integer keys are ignored. Returns ``{"<dev>/<port>":
{counter: int}}``. A name without its value, a value that is not a whole number or a counter before any
``link`` is a ParseError, and so is a last line without its newline (a cut mid-number).
"""

from __future__ import annotations

import re

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError, lines, require_whole_last_line, strip_capture

TOOL = "rdma-statistic"

_PORT = re.compile(r"^[\w.-]+/\d+$")
_NAME = re.compile(r"^[A-Za-z_][\w-]*$")
_LISTS = ("optional-counters",)  # keys whose value is a comma list, not a counter


def parse(text: str) -> dict[str, dict[str, int]]:
    text = strip_capture(text)
    if text.lstrip().startswith(("[", "{")):
        return _json(text)
    found = _text(text)
    require_whole_last_line(text)
    return found


@jsonout.shape_checked("rdma -j statistic show")
def _json(text: str) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for item in jsonout.load_list(text, "rdma -j statistic show"):
        if "ifname" not in item or "port" not in item:
            raise ParseError(f"`rdma -j statistic` entry without ifname/port: {str(item)[:120]!r}")
        counters = {k: int(v) for k, v in item.items()
                    if k not in ("ifname", "port", "ifindex") and isinstance(v, int) and not isinstance(v, bool)}
        found[f"{item['ifname']}/{item['port']}"] = counters
    return found


def _text(text: str) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    name, name_line = None, 0
    for number, line in enumerate(lines(text), start=1):
        words = line.split()
        if words[:1] == ["link"]:
            if name is not None:
                raise ParseError(f"line {name_line}: counter {name!r} has no value before line {number}'s `link`")
            if len(words) < 2 or not _PORT.match(words[1]):
                raise ParseError(f"line {number}: `link` without a DEV/PORT: {line.strip()[:120]!r}")
            current = found.setdefault(words[1], {})
            words = words[2:]
        elif words and current is None:
            raise ParseError(f"line {number} is not `rdma statistic` output (no `link DEV/PORT` before it): "
                             f"{line.strip()[:120]!r}")
        for word in words:
            if name is None:
                if not _NAME.match(word):
                    raise ParseError(f"line {number}: {word!r} is not a counter name: {line.strip()[:120]!r}")
                name, name_line = word, number
                continue
            if name not in _LISTS:
                if not word.isascii() or not word.isdecimal():
                    raise ParseError(f"line {number}: counter {name} = {word!r} is not a whole number")
                current[name] = int(word)  # type: ignore[index]
            name = None
    if name is not None:
        raise ParseError(f"line {name_line}: counter {name!r} has no value (output truncated?)")
    if not found:
        raise ParseError("no `link DEV/PORT` in the output: not `rdma statistic show`")
    return found
