"""configfs ``rdma_cm`` defaults, read with ``grep -H``. Per the kernel's
``Documentation/ABI/testing/configfs-rdma_cm``, after ``mkdir /sys/kernel/config/rdma_cm/<dev>`` each port has
``default_roce_mode`` (``RoCE v2``, ``IB/RoCE v1``) and ``default_roce_tos`` (0-255). Example::

    /sys/kernel/config/rdma_cm/mlx5_0/ports/1/default_roce_mode:RoCE v2
    /sys/kernel/config/rdma_cm/mlx5_0/ports/1/default_roce_tos:106
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers import grep_h
from bringup.parsers.common import ParseError, whole_lines

TOOL = "rdma_cm-configfs"

_PATH = re.compile(r"/rdma_cm/(?P<dev>[^/]+)/ports/(?P<port>\d+)/(?P<attr>default_roce_mode|default_roce_tos)$")


@dataclass(frozen=True)
class CmDefaults:
    device: str
    port: int
    roce_mode: str | None
    roce_tos: int | None


@whole_lines
def parse(text: str) -> dict[tuple[str, int], CmDefaults]:
    attrs: dict[tuple[str, int], dict[str, str]] = {}
    for path, value in grep_h.parse(text).items():
        match = _PATH.search(path)
        if not match:
            raise ParseError(f"not an rdma_cm configfs path: {path[:120]!r}")
        attrs.setdefault((match["dev"], int(match["port"])), {})[match["attr"]] = value
    if not attrs:
        raise ParseError("no default_roce_mode/default_roce_tos lines")
    found = {}
    for (dev, port), values in attrs.items():
        tos = values.get("default_roce_tos")
        if tos is not None and not tos.isdecimal():
            raise ParseError(f"{dev} port {port}: default_roce_tos {tos!r} is not a number")
        found[(dev, port)] = CmDefaults(dev, port, values.get("default_roce_mode"), int(tos) if tos else None)
    return found
