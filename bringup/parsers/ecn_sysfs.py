"""MLNX_OFED/DOCA ECN attributes, read with ``grep -H``. Per NVIDIA's MLNX_OFED "Explicit Congestion
Notification (ECN)" page: ``/sys/class/net/<if>/ecn/<roce_np|roce_rp>/enable/<prio>`` (0/1 per priority) and
the NP's CNP marking ``ecn/roce_np/cnp_dscp`` and ``ecn/roce_np/cnp_802p_prio``. Example::

    /sys/class/net/enp24s0np0/ecn/roce_np/enable/3:1
    /sys/class/net/enp24s0np0/ecn/roce_rp/enable/3:1
    /sys/class/net/enp24s0np0/ecn/roce_np/cnp_dscp:48
    /sys/class/net/enp24s0np0/ecn/roce_np/cnp_802p_prio:6
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers import grep_h
from bringup.parsers.common import ParseError, whole_lines

TOOL = "ecn-sysfs"

_PATH = re.compile(r"/ecn/(?P<point>roce_np|roce_rp)/(?P<attr>enable/[0-7]|[a-z0-9_]+)$")


@dataclass(frozen=True)
class Ecn:
    np_enabled: dict[int, bool] = field(default_factory=dict)
    rp_enabled: dict[int, bool] = field(default_factory=dict)
    np_params: dict[str, int] = field(default_factory=dict)
    rp_params: dict[str, int] = field(default_factory=dict)

    @property
    def cnp_dscp(self) -> int | None:
        return self.np_params.get("cnp_dscp")

    @property
    def cnp_802p_prio(self) -> int | None:
        return self.np_params.get("cnp_802p_prio")


@whole_lines
def parse(text: str) -> Ecn:
    ecn = Ecn()
    for path, value in grep_h.parse(text).items():
        match = _PATH.search(path)
        if not match:
            raise ParseError(f"not an ECN sysfs path: {path[:120]!r}")
        if not re.fullmatch(r"-?\d+", value):
            raise ParseError(f"{path}: value {value!r} is not a number")
        point, attr = match["point"], match["attr"]
        if attr.startswith("enable/"):
            enabled = ecn.np_enabled if point == "roce_np" else ecn.rp_enabled
            enabled[int(attr.split("/")[1])] = value == "1"
        else:
            (ecn.np_params if point == "roce_np" else ecn.rp_params)[attr] = int(value)
    if not ecn.np_enabled and not ecn.rp_enabled:
        raise ParseError("no ecn/roce_np|roce_rp/enable/<prio> lines")
    return ecn
