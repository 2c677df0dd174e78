"""``/etc/nccl.conf`` (or ``~/.nccl.conf``) and NCCL variables from a job environment (``env``).

Example (a site file; NCCL docs "Environment Variables": one ``NAME=value`` per line, ``#`` comments)::

    # NCCL site defaults
    NCCL_IB_HCA=mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7
    NCCL_IB_TC=106
    NCCL_SOCKET_IFNAME=enp75s0f0np0

``export NAME=value`` (a sourced shell file) and surrounding quotes are accepted; a later line overrides an
earlier one. A line that is neither a comment nor an assignment raises.
"""

from __future__ import annotations

import re

from bringup.parsers.common import assignments, whole_lines

TOOL = "nccl-conf"

_ASSIGN = re.compile(r"^(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")


@whole_lines
def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for match in assignments(text, _ASSIGN, "a NAME=value line"):
        value = match["value"].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[match["name"]] = value
    return values


def hca_matches(spec: str, device: str, port: int = 1) -> bool:
    """Does an ``NCCL_IB_HCA`` value select ``device``? Syntax (NCCL docs): comma-separated prefixes,
    ``=`` for exact names, ``^`` to exclude, an optional ``:port``."""
    exclude = spec.startswith("^")
    spec = spec.lstrip("^")
    exact = spec.startswith("=")
    spec = spec.lstrip("=")
    hit = False
    for item in filter(None, (s.strip() for s in spec.split(","))):
        name, _, item_port = item.partition(":")
        if item_port and item_port != str(port):
            continue
        if (device == name) if exact else device.startswith(name):
            hit = True
            break
    return hit != exclude
