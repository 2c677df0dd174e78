"""Helpers shared by the parsers: input normalisation and loud failure."""

from __future__ import annotations

import functools
import re
from typing import Callable, Iterator, TypeVar

# `srun -l` prefixes "0: ", `mpirun --tag-output` prefixes "[1,0]<stdout>:".
_PREFIX = re.compile(r"^(?:\d+: |\[\d+,\d+\]<std(?:out|err)>:)")


class ParseError(ValueError):
    """The text is not what the tool prints; the message quotes the first offending line."""


def require_whole_last_line(text: str) -> None:
    """A non-empty text must end with a line break, else its last line may be cut mid-way (``Speed: 4000`` from
    ``Speed: 400000Mb/s``) and no grammar can tell. Every tool we parse ends its output with a newline, and the
    batch framing (bringup/probe/batch.py) hands stdout over byte for byte, so an unterminated last line means
    the output was cut: an error, never a shorter value. A lone CR counts as a line break (CRLF cut before LF)."""
    if text and not text.endswith(("\n", "\r")):
        last = text.replace("\r", "\n").rsplit("\n", 1)[-1]
        raise ParseError(f"output ends mid-line (no newline after the last line, cut?): {last[-120:]!r}")


_Parse = TypeVar("_Parse", bound=Callable)


def whole_lines(parse: _Parse) -> _Parse:
    """Decorator for a line-oriented ``parse(text, ...)``: the result counts only if the text ends with a line
    break (``require_whole_last_line``). Checked after parsing, so a parser's own, more precise truncation
    message wins. JSON and XML parsers don't need it: their syntax proves the end of the document."""

    @functools.wraps(parse)
    def checked(text: str, *args, **kwargs):
        result = parse(text, *args, **kwargs)
        require_whole_last_line(text)
        return result

    return checked  # type: ignore[return-value]


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
