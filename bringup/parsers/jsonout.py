"""Shared loader for the ``-j`` JSON outputs of iproute2 (``ip``, ``rdma``, ``devlink``) and ``lldpctl -f json``.

JSON is all-or-nothing: a truncated document is an error, and the message quotes the line where decoding
stopped, so "the first offending line" is named exactly as it is for the text parsers.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Callable, TypeVar

from bringup.parsers.common import ParseError, lines


def reject_constant(name: str) -> None:
    """``json.loads`` hook: NaN and Infinity are not JSON (RFC 8259 §6), and no tool prints them."""
    raise ParseError(f"{name} is not a JSON value")


def integer(value: Any, what: str) -> int:
    """A JSON value that must be a whole number: not a float (``1e309`` decodes to inf), a bool or a string."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParseError(f"{what} is {value!r}, not an integer")
    return value


_Parse = TypeVar("_Parse", bound=Callable)


def shape_checked(tool: str) -> Callable[[_Parse], _Parse]:
    """Decorator for a parser of a JSON document. Valid JSON of another shape (a number where the parser walks
    a list, a string where it reads an object: another version of the tool, or the wrong command) makes the
    parser's own lookups fail with TypeError/AttributeError/KeyError/IndexError; that is the output not being
    what the parser reads, so it is a ParseError naming the command and the lookup that failed."""

    def decorate(parse: _Parse) -> _Parse:
        @functools.wraps(parse)
        def checked(text: str, *args, **kwargs):
            try:
                return parse(text, *args, **kwargs)
            except (TypeError, AttributeError, KeyError, IndexError) as exc:
                raise ParseError(f"`{tool}` JSON is not shaped as expected: {type(exc).__name__}: {exc}") from None

        return checked  # type: ignore[return-value]

    return decorate


def load(text: str, tool: str) -> Any:
    body = lines(text)
    joined = "\n".join(body)
    if not joined.strip():
        raise ParseError(f"empty output: not `{tool}` JSON")
    try:
        return json.loads(joined, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        line = body[exc.lineno - 1] if 0 < exc.lineno <= len(body) else ""
        raise ParseError(f"`{tool}` JSON broken at line {exc.lineno} ({exc.msg}): {line.strip()[:120]!r}") from None


def load_list(text: str, tool: str) -> list[dict[str, Any]]:
    """iproute2 prints a JSON array of objects; anything else is not its output."""
    data = load(text, tool)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ParseError(f"`{tool}` JSON is not an array of objects: {str(data)[:120]!r}")
    return data
