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


def probe_output(key: str, node: str = "node01", scenario: str = "h100") -> str:
    """What probe ``key`` printed on ``node`` in a recorded scenario (its own capture, else the common one)."""
    captures = SCENARIOS / scenario / "captures"
    mine = captures / node / f"{key}.out"
    return (mine if mine.exists() else captures / "common" / f"{key}.out").read_text()


def faulted(key: str, fault: str, node: str = "node01", scenario: str = "h100") -> str:
    """The capture as the scenario's fault overlay leaves it (its ``replace`` edits of that node's probe), so
    a judge's failing case is the very edit the replay test fails the check with."""
    import yaml

    text = probe_output(key, node, scenario)
    for edit in yaml.safe_load((SCENARIOS / scenario / "faults" / f"{fault}.yml").read_text())["edits"]:
        if edit.get("key") == key and edit.get("node") == node:
            old, new = edit["replace"]
            assert old in text, f"{fault}: {old!r} not in {node}/{key}"
            text = text.replace(old, new)
    return text

