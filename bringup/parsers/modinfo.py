"""``modinfo <module>``: kernel module metadata as ``key: value`` lines. Example (mlx5_core, DOCA 2.9)::

    filename:       /lib/modules/5.15.0-105-generic/updates/dkms/mlx5_core.ko
    version:        24.10-1.1.4
    license:        Dual BSD/GPL
    description:    Mellanox 5th generation network adapters (ConnectX series) core driver
    author:         Eli Cohen <eli@mellanox.com>
    srcversion:     2F53B2D0A6A3E0C1D4E7F9A
    alias:          pci:v000015B3d0000A2DCsv*sd*bc*sc*i*
    depends:        mlxdevm,mlx_compat,tls,pci-hyperv-intf,psample,mlxfw
    retpoline:      Y
    name:           mlx5_core
    vermagic:       5.15.0-105-generic SMP mod_unload modversions
    parm:           debug_mask:debug mask: 1 = dump cmd data, 2 = dump cmd exec time, 3 = both. Default=0 (uint)

Keys that repeat (``alias``, ``parm``, ``firmware``, ``softdep``) are collected in lists; every key's values
are lists, in order. Inbox modules have no ``version:`` line (the kernel version then identifies them).
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "modinfo"

_LINE = re.compile(r"^(?P<key>[a-z_][a-z0-9_.-]*):\s*(?P<value>.*)$")


@whole_lines
def parse(text: str) -> dict[str, list[str]]:
    info: dict[str, list[str]] = {}
    last = None
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match:
            last = match["key"]
            info.setdefault(last, []).append(match["value"].strip())
        elif line[0].isspace() and last is not None:  # a multi-line parm description
            info[last][-1] += " " + line.strip()
        else:
            raise ParseError(f"line {number} is not a `modinfo` field: {line.strip()!r}")
    if "filename" not in info and "name" not in info:
        raise ParseError("no `filename:` or `name:` field (not modinfo output?)")
    return info


def version(info: dict[str, list[str]]) -> str | None:
    return info.get("version", [None])[0]
