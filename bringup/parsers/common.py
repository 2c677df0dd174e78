"""Helpers shared by the parsers: input normalisation and loud failure."""

from __future__ import annotations

import re
from typing import Iterator

# `srun -l` prefixes "0: ", `mpirun --tag-output` prefixes "[1,0]<stdout>:".
_PREFIX = re.compile(r"^(?:\d+: |\[\d+,\d+\]<std(?:out|err)>:)")


class ParseError(ValueError):
    """The text is not what the tool prints; the message quotes the first offending line."""


def lines(text: str, strip_prefixes: bool = True) -> list[str]:
    """Split, dropping CRLF and launcher prefixes."""
    out = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if strip_prefixes:
        out = [_PREFIX.sub("", line) for line in out]
    return out


def assignments(text: str, pattern: "re.Pattern[str]", what: str) -> "Iterator[re.Match[str]]":
    """The matches of ``pattern`` on every line of a ``name=value`` file, skipping blank and ``#`` lines; a line
    that doesn't match is a ParseError naming it (``what`` says what the line should have been)."""
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = pattern.match(stripped)
        if not match:
            raise ParseError(f"line {number} is not {what}: {stripped[:120]!r}")
        yield match


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ParseError(message)
