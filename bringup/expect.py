"""Where a check's expected value comes from.

In order: the inventory's declared value (``bringup_expect``, or a typed variable such as
``bringup_fabric.mtu``), then the project policy in ``policy.yml`` (each value cited to layers.md), then the
fleet majority, where the minority nodes fail by name. Test code never holds an expected value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Hashable

import yaml

POLICY_FILE = Path(__file__).with_name("policy.yml")


@dataclass(frozen=True)
class Expected:
    value: Any
    source: str

    def __str__(self) -> str:
        return f"{self.value} ({self.source})"


class NoConsensus(AssertionError):
    """The fleet has no majority value, so no node can be judged against it."""


class PolicyError(ValueError):
    """policy.yml holds a key or value the Expect schema refuses."""


@lru_cache(maxsize=1)
def policy() -> dict[str, Any]:
    """policy.yml validated by the same schema as ``bringup_expect`` (bringup.model.Expect): a typo or a value
    out of range stops the run naming the file and the key, as an inventory's would."""
    import pydantic

    from bringup.model import Expect

    raw = yaml.safe_load(POLICY_FILE.read_text()) or {}
    try:
        return Expect(**raw).declared()
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"{POLICY_FILE}: {where}: {first['msg']}") from None


def declared(node, key: str, typed: Any = None, typed_name: str | None = None) -> Expected | None:
    """A typed inventory value wins, then ``bringup_expect[key]``, then the policy file. ``key`` must be an
    Expect field: a check asking for a key nobody can declare is a bug, said at once."""
    from bringup.model import Expect

    if key not in Expect.model_fields:
        raise KeyError(f"{key!r} is not a bringup_expect key (bringup/model.py Expect)")
    if typed is not None:
        return Expected(typed, f"inventory {typed_name}")
    if key in node.expect:
        return Expected(node.expect[key], f"inventory bringup_expect.{key}")
    if key in policy():
        return Expected(policy()[key], f"policy {key} in bringup/policy.yml")
    return None


def fleet_majority(values: dict[str, Hashable]) -> Expected:
    """The value a strict majority of nodes report; a tie is no consensus."""
    if not values:
        raise NoConsensus("no node reported a value")
    counts = Counter(values.values()).most_common()
    value, count = counts[0]
    if len(counts) > 1 and counts[1][1] == count:
        spread = ", ".join(f"{v!r} on {n}" for v, n in counts)
        raise NoConsensus(f"no fleet majority: {spread}")
    return Expected(value, f"fleet majority, {count} of {len(values)} nodes")


def minority(values: dict[str, Hashable], expected: Expected) -> list[str]:
    return sorted(node for node, value in values.items() if value != expected.value)
