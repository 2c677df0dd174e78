"""Where the judges' unit tests read real captures, and how they change one the way a fault overlay does."""

from __future__ import annotations

from pathlib import Path

from bringup.expect import Expected

TESTS = Path(__file__).resolve().parents[2]
SCENARIOS = TESTS / "scenarios"
FIXTURES = TESTS / "fixtures"
DEVICE = FIXTURES / "recorded_h100"  # the lent H100 VM's recorded probes


def read(path: Path, *replace: tuple[str, str], count: int = -1) -> str:
    """The capture at ``path`` with each (old, new) applied; an ``old`` that is not there fails the test (the
    edit would otherwise test the healthy capture)."""
    text = path.read_text()
    for old, new in replace:
        assert old in text, f"{path.name}: {old!r} not in the capture"
        text = text.replace(old, new, count)
    return text


def policy(key: str, value) -> Expected:
    return Expected(value, f"policy {key} in bringup/policy.yml")
