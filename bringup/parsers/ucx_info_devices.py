"""``ucx_info -d``: UCX memory domains and the transports each device offers. Example (UCX 1.16; abridged)::

    #
    # Memory domain: mlx5_0
    #     Component: ib
    #             register: unlimited, cost: 180 nsec
    #
    #      Transport: rc_verbs
    #         Device: mlx5_0:1
    #           Type: network
    #  System device: mlx5_0 (0)
    #
    #      Transport: rc_mlx5
    #         Device: mlx5_0:1
    #
    #      Transport: ud_mlx5
    #         Device: mlx5_0:1

Each ``Transport:`` line is followed by its ``Device:`` line; the result maps ``device -> transports``.
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ucx_info-d"

_TRANSPORT = re.compile(r"^#\s*Transport:\s*(\S+)\s*$")
_DEVICE = re.compile(r"^#\s*Device:\s*(\S+)\s*$")


@whole_lines
def parse(text: str) -> dict[str, list[str]]:
    devices: dict[str, list[str]] = {}
    pending = None  # (line number, transport) waiting for its Device line
    saw_domain = False
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            raise ParseError(f"line {number} is not `ucx_info -d` output: {stripped!r}")
        saw_domain = saw_domain or "Memory domain:" in stripped or "Component:" in stripped
        if (match := _TRANSPORT.match(stripped)):
            if pending:
                raise ParseError(f"line {pending[0]}: transport {pending[1]} has no Device line")
            pending = (number, match[1])
        elif (match := _DEVICE.match(stripped)):
            if pending is None:
                raise ParseError(f"line {number}: a Device line without a Transport line: {stripped!r}")
            devices.setdefault(match[1], []).append(pending[1])
            pending = None
    if pending:
        raise ParseError(f"line {pending[0]}: transport {pending[1]} has no Device line (truncated output?)")
    if not saw_domain:
        raise ParseError("no `Memory domain:` section")
    return devices
