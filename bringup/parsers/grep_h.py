"""``grep -H . FILE...`` over sysfs/configfs attribute files: one ``path:value`` line per file.

The probes read small kernel attribute files this way, because one command then returns many files with
their names attached. Example (MLNX_OFED ECN files, see :mod:`bringup.parsers.ecn_sysfs`)::

    /sys/class/net/enp24s0np0/ecn/roce_np/enable/3:1
    /sys/class/net/enp24s0np0/ecn/roce_np/cnp_dscp:48

The path never contains ``:`` for the files read here (sysfs names do not), so the first ``:`` splits.
"""

from __future__ import annotations

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "grep-H"


@whole_lines
def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            continue
        path, sep, value = line.partition(":")
        if not sep or not path.startswith("/"):
            raise ParseError(f"line {number} is not `grep -H` output (path:value): {line.strip()[:120]!r}")
        values[path] = value.strip()
    return values


def under(values: dict[str, str], prefix: str) -> dict[str, str]:
    """The files below ``prefix``, keyed by their path relative to it."""
    prefix = prefix.rstrip("/") + "/"
    return {path[len(prefix):]: value for path, value in values.items() if path.startswith(prefix)}
