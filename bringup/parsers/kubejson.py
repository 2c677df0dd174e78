"""Shared loader for ``kubectl get ... -o json`` (the four L10 SR-IOV operator parsers use it).

kubectl prints one object for ``get <kind> <name>`` and, for a list, a ``v1`` ``List`` wrapper whose
``items`` hold the objects (each with its own ``kind``)::

    {
        "apiVersion": "v1",
        "items": [ {"apiVersion": "sriovnetwork.openshift.io/v1", "kind": "SriovNetworkNodeState", ...} ],
        "kind": "List",
        "metadata": {"resourceVersion": ""}
    }

A truncated or garbled document is an error that names where decoding stopped (line, column, offset), and
a document of another kind (the wrong command's output) is an error too.
"""

from __future__ import annotations

import json
from typing import Any

from bringup.parsers.common import ParseError
from bringup.parsers.jsonout import reject_constant


def load(text: str, what: str) -> dict[str, Any]:
    if not text.strip():
        raise ParseError(f"empty output: not `{what}` JSON")
    try:
        data = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        line = text.splitlines()[exc.lineno - 1] if 0 < exc.lineno <= len(text.splitlines()) else ""
        raise ParseError(f"`{what}` JSON broken at line {exc.lineno} column {exc.colno} (offset {exc.pos}): "
                         f"{exc.msg}: {line.strip()[:120]!r}") from None
    if not isinstance(data, dict):
        raise ParseError(f"`{what}` JSON is not an object: {str(data)[:120]!r}")
    return data


def items(text: str, kind: str, what: str) -> list[dict[str, Any]]:
    """The objects of a ``kubectl get <plural> -o json`` list, each checked to be a ``kind``."""
    data = load(text, what)
    if data.get("kind") not in ("List", f"{kind}List") or not isinstance(data.get("items"), list):
        raise ParseError(f"`{what}` printed a {data.get('kind')!r}, not a list of {kind}")
    for index, item in enumerate(data["items"]):
        if not isinstance(item, dict) or item.get("kind", kind) != kind:
            got = item.get("kind") if isinstance(item, dict) else type(item).__name__
            raise ParseError(f"`{what}` item {index} is a {got!r}, not a {kind}")
        if not isinstance(item.get("metadata"), dict) or not item["metadata"].get("name"):
            raise ParseError(f"`{what}` item {index} has no metadata.name")
    return data["items"]


def obj(text: str, kind: str, what: str) -> dict[str, Any]:
    """The one object of a ``kubectl get <kind> <name> -o json``."""
    data = load(text, what)
    if data.get("kind") != kind:
        raise ParseError(f"`{what}` printed a {data.get('kind')!r}, not a {kind}")
    if not isinstance(data.get("metadata"), dict) or not data["metadata"].get("name"):
        raise ParseError(f"`{what}` {kind} has no metadata.name")
    return data


def mapping(value: Any, where: str) -> dict[str, Any]:
    """An optional JSON object field (absent -> {}); anything else is not what the API serves."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParseError(f"{where} is not an object: {str(value)[:80]!r}")
    return value


def strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParseError(f"{where} is not a list of strings: {str(value)[:80]!r}")
    return tuple(value)
