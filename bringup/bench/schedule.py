"""Which nodes (or rails) a benchmark pairs up, and in which rounds: pure functions of the inventory order.

Benchmarks are cluster actions (architecture.md): two benchmarks never share a node at the same time, while
disjoint groups run concurrently. A plan is therefore a list of *rounds*, each a list of groups that share no
member; the runner runs a round's groups at once and the rounds one after another.

- :func:`matching` pairs node 1 with 2, 3 with 4, ... (every node measured once, one round); an odd last node
  pairs with the first, in a second round since the first node is busy in the first.
- :func:`ring` pairs every node with its successor (every node sends once and serves once: a slow end shows in
  two pairs), in two rounds for an even count and three for an odd one; two nodes pair both ways.
- :func:`circle_rounds` is the round-robin tournament (the circle method): all N(N-1)/2 pairs in N-1 rounds of
  disjoint pairs (N rounds for odd N, one node resting per round). Used where every pair matters.
- :func:`pack` places arbitrary groups into the fewest rounds it finds greedily, keeping the given order.
- Localization (:mod:`bringup.localize`): :func:`rail_rounds` (all pairs per rail), :func:`leaf_rounds` and
  :func:`pair_kind` (same-leaf / cross-leaf from the cabling plan), :func:`sample_rounds` and
  :func:`topology_rounds` (a bounded, seeded sample: every member with k distinct partners).
"""

from __future__ import annotations

import random
from typing import Hashable, Iterator, Mapping, Sequence, TypeVar

T = TypeVar("T", bound=Hashable)


def matching(members: Sequence[T]) -> list[tuple[T, T]]:
    """Disjoint pairs in order; an odd last member pairs with the first."""
    pairs = [(members[i], members[i + 1]) for i in range(0, len(members) - 1, 2)]
    if len(members) % 2 and len(members) > 1:
        pairs.append((members[-1], members[0]))
    return pairs


def ring(members: Sequence[T]) -> list[tuple[T, T]]:
    """Each member with its successor (the last with the first): every member leads once and follows once,
    so a one-way benchmark (perftest's client sends) measures every member as a sender. Two members make the
    pair both ways."""
    if len(members) < 2:
        return []
    return [(members[i], members[(i + 1) % len(members)]) for i in range(len(members))]


def circle_rounds(members: Sequence[T]) -> list[list[tuple[T, T]]]:
    """All pairs, as rounds of disjoint pairs: the circle method (fix one seat, rotate the others)."""
    return list(_circle(members))


def _circle(members: Sequence[T]) -> Iterator[list[tuple[T, T]]]:
    """The circle method's rounds one at a time (a bounded sample takes the first few of N-1)."""
    seats: list[T | None] = list(members)
    if len(seats) < 2:
        return
    if len(seats) % 2:
        seats.append(None)  # the resting seat
    n = len(seats)
    for _ in range(n - 1):
        pairs = [(seats[i], seats[n - 1 - i]) for i in range(n // 2)]
        yield [(a, b) for a, b in pairs if a is not None and b is not None]
        seats = [seats[0], seats[-1], *seats[1:-1]]


def pack(groups: Sequence[Sequence[T]]) -> list[list[int]]:
    """Indices of ``groups`` per round, no member in two groups of one round; first fit, order kept."""
    rounds: list[list[int]] = []
    busy: list[set[T]] = []
    for index, group in enumerate(groups):
        members = set(group)
        for slot, taken in enumerate(busy):
            if not members & taken:
                rounds[slot].append(index)
                taken |= members
                break
        else:
            rounds.append([index])
            busy.append(set(members))
    return rounds


# ---------------------------------------------------------------------------------------------------------------
# Localization schedules (issue 12): per rail, topology-aware, bounded samples. Pure functions of their input;
# every random choice comes from a ``random.Random(seed)`` so the same seed gives the same schedule.

Round = list[tuple[T, T]]


def rail_rounds(members_by_rail: Mapping[str, Sequence[T]]) -> dict[str, list[list[tuple[T, T]]]]:
    """All pairs of every rail (:func:`circle_rounds` per rail). A pair test on rail r joins rail r of both
    nodes (a rail-optimized fabric: rail r of every node lands on rail r's leaves), so the rails are
    independent schedules; a rail only some nodes have pairs only those."""
    return {rail: circle_rounds(list(members)) for rail, members in members_by_rail.items()}


def leaf_groups(members: Sequence[T], leaf_of: Mapping[T, str]) -> dict[str, list[T]]:
    """Members by the leaf their link lands on (the cabling plan), in first-seen order; a member the plan
    does not place is its own group under ``"?"`` so it is still paired (cross-leaf)."""
    groups: dict[str, list[T]] = {}
    for member in members:
        groups.setdefault(leaf_of.get(member, "?"), []).append(member)
    return groups


def pair_kind(a: T, b: T, leaf_of: Mapping[T, str]) -> str:
    """``same-leaf`` when both links land on one leaf (the path is two leaf ports), else ``cross-leaf``
    (the path crosses the spine); unknown placement counts as cross-leaf."""
    la, lb = leaf_of.get(a), leaf_of.get(b)
    return "same-leaf" if la is not None and la == lb else "cross-leaf"


def leaf_rounds(members: Sequence[T], leaf_of: Mapping[T, str]) -> list[list[tuple[T, T]]]:
    """Every same-leaf pair, each leaf's circle rounds run side by side (round i of every leaf together):
    the path of each pair is its two leaf ports only, so a slow pair here never involves the spine."""
    per_leaf = [circle_rounds(group) for group in leaf_groups(members, leaf_of).values()]
    depth = max((len(r) for r in per_leaf), default=0)
    return [[pair for rounds in per_leaf if i < len(rounds) for pair in rounds[i]] for i in range(depth)]


def _shuffled(members: Sequence[T], seed: int) -> list[T]:
    order = list(members)
    random.Random(seed).shuffle(order)
    return order


def _covered(rounds: list[list[tuple[T, T]]], members: Sequence[T]) -> dict[T, set[T]]:
    partners: dict[T, set[T]] = {m: set() for m in members}
    for pairs in rounds:
        for a, b in pairs:
            partners[a].add(b)
            partners[b].add(a)
    return partners


def sample_rounds(members: Sequence[T], k: int, seed: int = 0) -> list[list[tuple[T, T]]]:
    """A bounded sample of all pairs for a large N: the first rounds of the circle method over a seeded
    shuffle of ``members``, as many as give every member at least ``k`` distinct partners (k rounds for an
    even count; k + 1 for an odd one, where each round rests one member). Distinct partners because the
    circle method never repeats a pair; a shuffle because inventory order often follows racks and leaves."""
    if k < 1:
        raise ValueError(f"sample_rounds: k must be >= 1, got {k}")
    all_rounds = _circle(_shuffled(members, seed))
    wanted = min(len(members) - 1, k)
    chosen: list[list[tuple[T, T]]] = []
    for pairs in all_rounds:
        if all(len(p) >= wanted for p in _covered(chosen, members).values()):
            break
        chosen.append(pairs)
    return chosen


def topology_rounds(members: Sequence[T], leaf_of: Mapping[T, str], k: int, seed: int = 0,
                    same_leaf: int = 1) -> list[list[tuple[T, T]]]:
    """A bounded, topology-aware sample: ``same_leaf`` rounds of same-leaf pairs (leaf ports only), then
    rounds of the seeded circle method that add cross-leaf pairs not yet played, until every member has
    ``k`` distinct partners (or has played everyone). A fault that shows only cross-leaf points at the
    spine path; one that shows same-leaf too points at the node's own link."""
    groups = {leaf: _shuffled(group, seed + i) for i, (leaf, group) in enumerate(leaf_groups(members, leaf_of).items())}
    rounds = leaf_rounds([m for group in groups.values() for m in group],
                         {m: leaf for leaf, group in groups.items() for m in group})[:max(0, same_leaf)]
    seen = {frozenset(p) for pairs in rounds for p in pairs}
    wanted = min(len(members) - 1, k)
    for pairs in _circle(_shuffled(members, seed)):
        if all(len(p) >= wanted for p in _covered(rounds, members).values()):
            break
        fresh = [p for p in pairs if frozenset(p) not in seen]
        if fresh:
            rounds.append(fresh)
            seen.update(frozenset(p) for p in fresh)
    return rounds
