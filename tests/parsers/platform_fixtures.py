"""Shared access to the parser fixtures in tests/fixtures/<tool>/ (provenance in each folder's README.md)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(tool: str, name: str) -> str:
    return (FIXTURES / tool / name).read_text()


def cut(text: str, fraction: float = 0.5) -> str:
    """The first part of an output, as a dropped session or a full disk leaves it."""
    return text[: int(len(text) * fraction)]
