"""A synthetic fleet for the planner and the blame logic (tests, benchmarks/localize_rounds.py): per-rail pair
bandwidth with noise and a few seeded faults, answering the driver's ``measure`` callbacks like a cluster.

The figures follow a rail-optimized fabric: rail r of every node lands on a leaf of rail r (``nodes_per_leaf``
nodes per leaf), 392 Gb/s per healthy rail pair (ib_write_bw on 400G ConnectX-7, the H100 scenario's
figure), Gaussian noise of ``noise`` (relative). Faults:

- ``rail``: one node's rail (NIC, cable or leaf port) runs at ``factor`` of the rate, both directions;
- ``node``: every rail of a node at ``factor`` (a slow host);
- ``link``: only the pair ``node``/``peer`` on ``rail`` is slow (their path: a bad spine path between their
  leaves, a mis-hashed flow), each end good with anyone else.

A collective over a group runs at the slowest member's factor (a ring all_reduce moves at its slowest link).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bringup.localize.model import Blame
from bringup.localize.secondpass import Pair

LINE_GBPS = 392.0  # ib_write_bw 64 KiB -q 4 on the H100 scenario's 400G rails (tests/scenarios/h100/bench)
BUSBW_GBS = 365.8  # 2-node Ring all_reduce 8 GiB busbw in the same scenario (GB/s)


@dataclass(frozen=True)
class Fault:
    kind: str  # rail | node | link
    node: str
    rail: str = ""
    peer: str = ""
    factor: float = 0.4

    @property
    def truth(self) -> tuple[str, str, str]:
        """What a correct blame names: (kind, node, rail); a link names both ends, sorted."""
        if self.kind == "link":
            return ("link", "+".join(sorted((self.node, self.peer))), self.rail)
        return (self.kind, self.node, "all" if self.kind == "node" else self.rail)


def truth_of(blame: Blame) -> tuple[str, str, str]:
    return (blame.kind, blame.node, blame.rail)


@dataclass
class Fleet:
    nodes: list[str]
    rails: list[str]
    faults: list[Fault] = field(default_factory=list)
    noise: float = 0.02
    seed: int = 0
    nodes_per_leaf: int = 32
    calls: int = 0
    runs: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._index = {name: i for i, name in enumerate(self.nodes)}

    @classmethod
    def build(cls, n: int = 512, rails: int = 8, *, faults: int = 0, seed: int = 0, noise: float = 0.02,
              nodes_per_leaf: int = 32, kinds: tuple[str, ...] = ("rail", "node", "link")) -> "Fleet":
        """``faults`` (1-3) seeded faults on distinct nodes, kinds taken in turn from ``kinds``."""
        names = [f"node{i:03d}" for i in range(1, n + 1)]
        rail_names = [f"rail{r}" for r in range(rails)]
        rng = random.Random(seed)
        chosen = rng.sample(names, 2 * faults)
        found = []
        for i in range(faults):
            kind = kinds[i % len(kinds)]
            found.append(Fault(kind, chosen[2 * i], rng.choice(rail_names) if kind != "node" else "",
                               chosen[2 * i + 1] if kind == "link" else "", round(rng.uniform(0.2, 0.6), 2)))
        return cls(names, rail_names, found, noise, seed, nodes_per_leaf)

    # ------------------------------------------------------------------ topology (the cabling plan)

    def place(self, node: str, rail: str) -> tuple[str, str]:
        """(leaf, port) of a node's rail: leaf ``leaf<rail>-<group>``, port ``swp<index in the group>``."""
        index = self._index[node]
        return f"leaf{rail.removeprefix('rail')}-{index // self.nodes_per_leaf + 1}", \
            f"swp{index % self.nodes_per_leaf + 1}"

    def leaf_of(self) -> dict[tuple[str, str], str]:
        return {(n, r): self.place(n, r)[0] for n in self.nodes for r in self.rails}

    # ------------------------------------------------------------------ figures

    def _factor(self, node: str, rail: str | None) -> float:
        factor = 1.0
        for f in self.faults:
            if f.node == node and (f.kind == "node" or (f.kind == "rail" and (rail is None or f.rail == rail))):
                factor = min(factor, f.factor)
        return factor

    def _noisy(self, value: float) -> float:
        return round(value * (1 + self._rng.gauss(0, self.noise)), 2)

    def pair(self, sender: str, receiver: str, rail: str) -> float:
        factor = min(self._factor(sender, rail), self._factor(receiver, rail))
        for f in self.faults:
            if f.kind == "link" and f.rail == rail and {f.node, f.peer} == {sender, receiver}:
                factor = min(factor, f.factor)
        return self._noisy(LINE_GBPS * factor)

    def group(self, members: tuple[str, ...]) -> float:
        factor = min(self._factor(n, None) for n in members)
        inside = set(members)
        for f in self.faults:
            if f.kind == "link" and {f.node, f.peer} <= inside:
                factor = min(factor, f.factor)
        return self._noisy(BUSBW_GBS * factor)

    # ------------------------------------------------------------------ the driver's callbacks

    def measure_pairs(self, pairs: list[Pair]) -> list[float]:
        self.calls += 1
        self.runs += len(pairs)
        return [self.pair(p.sender, p.receiver, p.rail) for p in pairs]

    def measure_groups(self, groups: list[tuple[str, ...]]) -> list[float]:
        self.calls += 1
        self.runs += len(groups)
        return [self.group(g) for g in groups]


def precision_recall(blames: list[Blame], faults: list[Fault]) -> tuple[float, float]:
    """Precision: blames that name a fault; recall: faults named by a blame (1.0 each when both are empty)."""
    named = {truth_of(b) for b in blames}
    truth = {f.truth for f in faults}
    precision = len(named & truth) / len(named) if named else 1.0
    recall = len(named & truth) / len(truth) if truth else 1.0
    return precision, recall
