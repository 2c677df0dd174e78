"""``rdma -j system show``: RDMA subsystem network-namespace mode. Examples (iproute2 5.x/6.x)::

    [{"netns":"shared","copy-on-fork":true}]

    netns shared copy-on-fork on

iproute2 before 5.13 lacks copy-on-fork; 6.5+ adds ``privileged-qkey``. ``netns exclusive`` binds each RDMA
device to one network namespace (``rdma system set netns exclusive``, kernel >= 5.3).
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError, lines, require_whole_last_line

TOOL = "rdma-system"


@dataclass(frozen=True)
class RdmaSystem:
    netns: str
    copy_on_fork: bool | None


@jsonout.shape_checked("rdma -j system show")
def parse(text: str) -> RdmaSystem:
    if text.lstrip().startswith("["):
        items = jsonout.load_list(text, "rdma -j system show")
        attrs = items[0] if items else {}
    else:
        require_whole_last_line(text)  # `copy-on-fork o` cut from `on` must not read as off
        words = " ".join(line.strip() for line in lines(text)).split()
        attrs = dict(zip(words[::2], words[1::2]))
    netns = attrs.get("netns")
    if netns not in ("shared", "exclusive"):
        raise ParseError(f"no netns shared|exclusive in `rdma system show` output: {text.strip()[:120]!r}")
    cof = attrs.get("copy-on-fork")
    if isinstance(cof, str):
        cof = cof == "on"
    return RdmaSystem(netns, cof)
