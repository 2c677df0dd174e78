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
"""

from __future__ import annotations

from typing import Hashable, Sequence, TypeVar

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
    seats: list[T | None] = list(members)
    if len(seats) < 2:
        return []
    if len(seats) % 2:
        seats.append(None)  # the resting seat
    n = len(seats)
    rounds = []
    for _ in range(n - 1):
        pairs = [(seats[i], seats[n - 1 - i]) for i in range(n // 2)]
        rounds.append([(a, b) for a, b in pairs if a is not None and b is not None])
        seats = [seats[0], seats[-1], *seats[1:-1]]
    return rounds


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
