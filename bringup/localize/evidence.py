"""The sentence a blame carries (pure): the suspect's figure against its partners', the counters that moved,
and where its link lands, e.g. ``node02 rail2 (leaf2 swp2): 9.4 Gb/s vs 23-24 Gb/s with 3 partners;
rx_prio3_discards +1.2e5``."""

from __future__ import annotations

import re
import statistics
from typing import Iterable, Mapping

# The counters that say *why* a link is slow (layers.md L8 watch-list, bringup/bench/counters.py): errors
# beyond FEC, pause frames (back-pressure or a storm), drops, and RoCE retransmission from lost packets.
WATCHED = re.compile(r"symbol_err|pause|discard|out_of_sequence")
MAX_COUNTERS = 3


def figure(value: float) -> str:
    """Three significant digits: 392, 23.5, 9.4 (a reader compares, the raw value is in results.csv)."""
    return f"{value:.3g}"


def span(values: Iterable[float]) -> str:
    """``23-24`` for a range of figures, one figure when they agree at three digits."""
    values = sorted(values)
    if not values:
        return "?"
    low, high = figure(values[0]), figure(values[-1])
    return low if low == high else f"{low}-{high}"


def count(delta: int) -> str:
    """``+17``, ``+1.2e5``: small counts exact, large ones in the short scientific form."""
    if abs(delta) < 10_000:
        return f"{delta:+d}"
    mantissa, exponent = f"{delta:.1e}".split("e")
    return f"{'+' if delta > 0 else ''}{mantissa}e{int(exponent)}"


def counters(deltas: Mapping[str, int]) -> str:
    """The watched counters that moved, largest first, at most :data:`MAX_COUNTERS` (then ``+N more``)."""
    moved = sorted(((n, d) for n, d in deltas.items() if d and WATCHED.search(n)), key=lambda x: (-abs(x[1]), x[0]))
    shown = [f"{name} {count(d)}" for name, d in moved[:MAX_COUNTERS]]
    if len(moved) > MAX_COUNTERS:
        shown.append(f"{len(moved) - MAX_COUNTERS} more counters moved")
    return "; ".join(shown)


def link_text(place: tuple[str, str] | None) -> str:
    return f"{place[0]} {place[1]}" if place else ""


def pair_link(a: tuple[str, str] | None, b: tuple[str, str] | None) -> str:
    """The path of a pair: ``leaf1 swp1 <-> swp2`` on one leaf, ``leaf1 swp1 <-> leaf2 swp2 (via the spine)``."""
    if a is None or b is None:
        return "path not in the cabling plan"
    if a[0] == b[0]:
        return f"{a[0]} {a[1]} <-> {b[1]}"
    return f"{a[0]} {a[1]} <-> {b[0]} {b[1]} (via the spine)"


def sentence(subject: str, where: str, mine: list[float | None], theirs: list[float], partners: int, unit: str,
             deltas: Mapping[str, int] | None = None) -> str:
    """``SUBJECT (WHERE): MINE UNIT vs THEIRS UNIT with N partners[; counters]``; no figure at all (every
    re-test failed) reads ``no result``."""
    figures = [v for v in mine if v is not None]
    own = f"{figure(statistics.median(figures))} {unit}" if figures else "no result"
    failed = len(mine) - len(figures)
    if figures and failed:
        own += f" ({failed} run{'s' if failed > 1 else ''} without a result)"
    text = f"{subject}{f' ({where})' if where else ''}: {own} vs {span(theirs)} {unit} with {partners} partner" \
           f"{'s' if partners != 1 else ''}"
    moved = counters(deltas or {})
    return f"{text}; {moved}" if moved else text
