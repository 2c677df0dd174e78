"""Helpers shared by the parsers: input normalisation and loud failure."""

from __future__ import annotations

import re

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


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ParseError(message)
