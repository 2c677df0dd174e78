"""Shared loader for the ``-j`` JSON outputs of iproute2 (``ip``, ``rdma``, ``devlink``) and ``lldpctl -f json``.

JSON is all-or-nothing: a truncated document is an error, and the message quotes the line where decoding
stopped, so "the first offending line" is named exactly as it is for the text parsers.
"""

from __future__ import annotations

import json
from typing import Any

from bringup.parsers.common import ParseError, lines


def load(text: str, tool: str) -> Any:
    body = lines(text)
    joined = "\n".join(body)
    if not joined.strip():
        raise ParseError(f"empty output: not `{tool}` JSON")
    try:
        return json.loads(joined)
    except json.JSONDecodeError as exc:
        line = body[exc.lineno - 1] if 0 < exc.lineno <= len(body) else ""
        raise ParseError(f"`{tool}` JSON broken at line {exc.lineno} ({exc.msg}): {line.strip()[:120]!r}") from None


def load_list(text: str, tool: str) -> list[dict[str, Any]]:
    """iproute2 prints a JSON array of objects; anything else is not its output."""
    data = load(text, tool)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ParseError(f"`{tool}` JSON is not an array of objects: {str(data)[:120]!r}")
    return data
