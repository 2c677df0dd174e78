"""Layer gating: a failure at layer N on a node blocks that node's checks at layers above N.

Every higher symptom hides a lower cause (layers.md §1), so a blocked check is skipped with a reason that
names the failed check instead of failing a second time for the same root cause.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKED_PREFIX = "blocked:"


@dataclass(frozen=True)
class Blocker:
    node: str
    layer: int
    test: str

    def reason(self) -> str:
        return f"{BLOCKED_PREFIX} {self.node} failed at L{self.layer:02d}: {self.test}"


class Gate:
    def __init__(self) -> None:
        self._first_failure: dict[str, Blocker] = {}

    def record_failure(self, nodes: list[str], layer: int, test: str) -> None:
        for node in nodes:
            current = self._first_failure.get(node)
            if current is None or layer < current.layer:
                self._first_failure[node] = Blocker(node, layer, test)

    def blocker(self, nodes: list[str], layer: int) -> Blocker | None:
        """The lowest-layer failure below ``layer`` on any of ``nodes``."""
        found = [b for n in nodes if (b := self._first_failure.get(n)) and b.layer < layer]
        return min(found, key=lambda b: b.layer) if found else None
