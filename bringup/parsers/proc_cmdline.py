"""``cat /proc/cmdline``: the kernel command line as parameters. Example (Ubuntu 22.04, HGX H100)::

    BOOT_IMAGE=/vmlinuz-5.15.0-105-generic root=UUID=0b8a... ro intel_iommu=on iommu=pt pci=realloc=off quiet

Parameters are ``name`` or ``name=value``; a value may be double-quoted (``foo="a b"``). The kernel lets a
later duplicate override an earlier one for most parameters, so the last occurrence wins in ``params``.
Everything after a bare ``--`` goes to init, not the kernel, and is kept apart in ``init_args``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "proc-cmdline"


@dataclass(frozen=True)
class Cmdline:
    raw: str
    params: dict[str, str | None]
    init_args: list[str] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return self.params.get(name)

    def has(self, name: str, value: str | None = None) -> bool:
        return name in self.params and (value is None or self.params[name] == value)


@whole_lines
def parse(text: str) -> Cmdline:
    content = [line for line in lines(text) if line.strip()]
    if len(content) != 1:
        raise ParseError(f"/proc/cmdline is one line; got {len(content)}: {content[:2]}")
    raw = content[0].strip()
    try:
        words = shlex.split(raw)
    except ValueError as exc:  # an unbalanced quote: cut-off output
        raise ParseError(f"line 1: {exc} in {raw[-60:]!r}") from None
    params: dict[str, str | None] = {}
    init_args: list[str] = []
    for index, word in enumerate(words):
        if word == "--":
            init_args = words[index + 1:]
            break
        name, sep, value = word.partition("=")
        params[name] = value if sep else None
    return Cmdline(raw, params, init_args)
