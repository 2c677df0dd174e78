"""``ls -l`` over sysfs symlinks: which PCI function a VF or an RDMA device is. Examples (coreutils 9.1)::

    $ ls -l /sys/class/net/enp24s0np0/device/virtfn*
    lrwxrwxrwx 1 root root 0 Mar  4 10:12 /sys/class/net/enp24s0np0/device/virtfn0 -> ../0000:18:00.2
    lrwxrwxrwx 1 root root 0 Mar  4 10:12 /sys/class/net/enp24s0np0/device/virtfn1 -> ../0000:18:00.3

    $ ls -l /sys/class/infiniband/
    total 0
    lrwxrwxrwx 1 root root 0 Mar  4 10:12 mlx5_0 -> ../../devices/pci0000:16/0000:16:02.0/0000:18:00.0/infiniband/mlx5_0
    lrwxrwxrwx 1 root root 0 Mar  4 10:12 mlx5_8 -> ../../devices/pci0000:16/0000:16:02.0/0000:18:00.2/infiniband/mlx5_8

The date takes two or three words depending on locale and age, so a link is read from the arrow: the word
before `` -> `` is the name (sysfs names hold no spaces), the rest the target. Entries that are not links
(first letter not ``l``) are left out; a line that is not ``ls -l`` output raises.
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ls-l"

_LONG = re.compile(r"^[-bcdlps][-rwxsStT]{9}[.+@]?\s+\d+\s")
_BDF = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$")


@whole_lines
def parse(text: str) -> dict[str, str]:
    """name (as ``ls`` printed it: a bare entry or the full path given) -> link target."""
    links: dict[str, str] = {}
    for number, line in enumerate(lines(text, strip_prefixes=False), start=1):
        stripped = line.strip()
        if not stripped or re.match(r"^total \d+$", stripped):
            continue
        if not _LONG.match(stripped):
            raise ParseError(f"line {number} is not `ls -l` output: {stripped[:120]!r}")
        if stripped[0] != "l":
            continue
        left, arrow, target = stripped.partition(" -> ")
        if not arrow:
            raise ParseError(f"line {number}: a symlink without ` -> target`: {stripped[:120]!r}")
        links[left.split()[-1]] = target.strip()
    return links


def pci_function(target: str, below: str | None = None) -> str | None:
    """The PCI address in a sysfs link target: its last component (``../0000:18:00.2``), or, with ``below``,
    the component just above it (``.../0000:18:00.2/infiniband/mlx5_8`` with ``below="infiniband"``)."""
    parts = target.rstrip("/").split("/")
    if below is not None:
        parts = parts[:parts.index(below)] if below in parts else []
    return parts[-1].lower() if parts and _BDF.match(parts[-1].lower()) else None
