"""Halving a slow collective's node set to the smallest failing set (pure planning and deciding).

A multi-node all_reduce below its baseline says only that *some* node or link of the set is slow. Each round
splits every open failing set in two halves and measures all of them at once (the halves of one set, and the
sets, are disjoint: they run concurrently). A slow half stays open; both halves slow means two faults, and both
stay open. When neither half is slow, the fault needs members of both (a link between them): the set is split
across instead (first half of each half together), once; if neither of those is slow either, the set is the
smallest failing set. Each halving costs at most two rounds, so at most ``2 * ceil(log2(N))`` rounds in all.
A set of fewer than four nodes is not split (a half must still be a multi-node collective).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

Group = tuple[str, ...]
MeasureGroups = Callable[[list[Group]], list["float | None"]]
MIN_SPLIT = 4


def halves(group: Sequence[str]) -> tuple[Group, Group]:
    mid = (len(group) + 1) // 2
    return tuple(group[:mid]), tuple(group[mid:])


def crossed(group: Sequence[str]) -> tuple[Group, Group]:
    """The halves' halves, recombined across: (first of A + first of B, second of A + second of B)."""
    a, b = halves(group)
    (a1, a2), (b1, b2) = halves(a), halves(b)
    return a1 + b1, a2 + b2


def max_rounds(n: int) -> int:
    return 2 * math.ceil(math.log2(n)) if n > 1 else 0


@dataclass
class Bisection:
    failing: list[Group] = field(default_factory=list)  # the smallest failing sets found
    rounds: int = 0
    trace: list[list[tuple[Group, float | None]]] = field(default_factory=list)  # per round: (group, figure)


def bisect(nodes: Sequence[str], measure: MeasureGroups, slow: Callable[[Group, float | None], bool]) -> Bisection:
    """Drive the halving: ``measure`` gets every round's groups at once and returns one figure per group (None:
    the run failed); ``slow`` says whether a group's figure is below its baseline (group sizes differ)."""
    result = Bisection()
    open_sets: list[tuple[Group, str]] = [(tuple(nodes), "halves")] if len(nodes) >= 2 else []
    while open_sets:
        splits = []
        for group, mode in open_sets:
            if len(group) < MIN_SPLIT:
                result.failing.append(group)
                continue
            splits.append((group, mode, halves(group) if mode == "halves" else crossed(group)))
        if not splits:
            break
        asked = [g for _, _, parts in splits for g in parts]
        figures = measure(asked)
        if len(figures) != len(asked):
            raise ValueError(f"measure returned {len(figures)} figures for {len(asked)} groups")
        got = dict(zip(asked, figures))
        result.rounds += 1
        result.trace.append(list(zip(asked, figures)))
        open_sets = []
        for group, mode, parts in splits:
            failing = [p for p in parts if slow(p, got[p])]
            if failing:
                open_sets.extend((p, "halves") for p in failing)
            elif mode == "halves":
                open_sets.append((group, "crossed"))
            else:
                result.failing.append(group)
    return result
