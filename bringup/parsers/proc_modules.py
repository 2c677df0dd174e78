"""``cat /proc/modules``: the loaded kernel modules (what ``lsmod`` formats). Example::

    nvidia_peermem 16384 0 - Live 0x0000000000000000 (OE)
    nvidia_uvm 1437696 2 - Live 0x0000000000000000 (POE)
    nvidia 56868864 243 nvidia_peermem,nvidia_uvm,nvidia_modeset, Live 0x0000000000000000 (POE)
    mlx5_ib 462848 0 - Live 0x0000000000000000 (OE)

Fields: name, size, use count, users, state (Live/Loading/Unloading), address, optional taint flags.
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "proc-modules"

_STATES = ("Live", "Loading", "Unloading")


@dataclass(frozen=True)
class Module:
    name: str
    size: int
    users: tuple[str, ...]
    state: str


@whole_lines
def parse(text: str) -> dict[str, Module]:
    modules = {}
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) < 6 or not fields[1].isdecimal() or fields[4] not in _STATES:
            raise ParseError(f"line {number} is not a /proc/modules entry: {line.strip()!r}")
        users = tuple(u for u in fields[3].split(",") if u and u != "-")
        modules[fields[0]] = Module(fields[0], int(fields[1]), users, fields[4])
    if not modules:
        raise ParseError("no module listed (empty output)")
    return modules
