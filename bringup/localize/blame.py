"""From re-tested suspects to blames (pure): which node, rail or link to fix, with evidence and confidence.

Rules (issue 12):

- a suspect slow with >= 2 distinct good partners is blamed (:mod:`.secondpass`); both ends of one slow
  pair may be blamed (two faults, or one fault that slows both directions of a host);
- a node blamed on **every** rail it was tested on (two or more) is one ``node`` blame: a slow host (CPU,
  PCIe, memory), not eight NICs; otherwise each blamed rail is a ``rail`` blame, named with its link (leaf,
  port: L3's LLDP neighbour, else the cabling plan), since a NIC and its cable and leaf port share a figure;
- a slow first-pass pair whose two ends are both cleared by good partners, and that is slow again when
  re-run, fails only together: a ``link`` blame on the path between them (their leaf ports, or the spine
  between their leaves);
- a node-pair benchmark (no rail) blames the node.

Confidence: a rail's share of slow partners among those tried (2 of 3: 0.67); a node's lowest over its
rails; a link's 0.6 x the lower share of good partners of its ends (it is inferred by exclusion).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from bringup.localize import evidence
from bringup.localize.model import NODE_RAIL, Blame, Measure
from bringup.localize.secondpass import FirstPass, SuspectResult, is_slow, judge_suspects

LINK_CONFIDENCE = 0.6

LinkOf = Callable[[str, str], "tuple[str, str] | None"]  # (node, rail) -> (leaf, port)
CountersOf = Callable[[str, str, tuple[str, ...]], "dict[str, int]"]  # (node, rail, run ids) -> deltas


@dataclass(frozen=True)
class Decision:
    blames: tuple[Blame, ...]
    results: tuple[SuspectResult, ...]

    @property
    def inconclusive(self) -> tuple[SuspectResult, ...]:
        return tuple(r for r in self.results if r.status == "inconclusive")


def _no_link(node: str, rail: str) -> None:
    return None


def _no_counters(node: str, rail: str, runs: tuple[str, ...]) -> dict[str, int]:
    return {}


def _partners_figures(first: FirstPass, partners: set[str], rail: str, second: list[Measure] = ()) -> list[float]:
    """What the partners measure among themselves and with other good nodes: the first pass's good figures
    (partners from outside the first pass, a bisection's cleared nodes: the rail's good re-test figures)."""
    figures = [m.value for m in first.measures if m.rail == rail and m.value is not None
               and not is_slow(m, first.limit) and (m.sender in partners or m.receiver in partners)]
    return figures or [m.value for m in second if m.rail == rail and m.value is not None
                       and not is_slow(m, first.limit)]


def _partners(results: Iterable[SuspectResult]) -> set[str]:
    out: set[str] = set()
    for r in results:
        for m in (*r.slow_with, *r.good_with):
            out.add(m.receiver if m.sender == r.suspect.node else m.sender)
    return out


def decide(first: FirstPass, second: Iterable[Measure], *, unit: str, link_of: LinkOf = _no_link,
           counters_of: CountersOf = _no_counters) -> Decision:
    second = list(second)
    results = judge_suspects(first, second)
    by_endpoint: dict[tuple[str, str], list[SuspectResult]] = {}
    for r in results:
        if r.status == "blamed":
            by_endpoint.setdefault((r.suspect.node, r.suspect.rail), []).append(r)
    rails_of: dict[str, dict[str, None]] = {}
    for m in first.measures:
        for node in (m.sender, m.receiver):
            rails_of.setdefault(node, {}).setdefault(m.rail)
    blames: list[Blame] = []
    done: set[str] = set()
    for (node, rail), found in by_endpoint.items():
        if node in done:
            continue
        rails = [r for r in rails_of.get(node, {}) if r != NODE_RAIL]
        blamed = [r for r in rails if (node, r) in by_endpoint]
        if rail == NODE_RAIL or (len(rails) >= 2 and len(blamed) == len(rails)):
            done.add(node)
            blames.append(_node_blame(first, node, rails or [NODE_RAIL], by_endpoint, unit, counters_of, second))
        else:
            blames.append(_rail_blame(first, node, rail, found, unit, link_of, counters_of, second))
    blames.extend(_link_blames(first, results, second, unit, link_of, counters_of))
    return Decision(tuple(blames), tuple(results))


def _runs(results: Iterable[SuspectResult], first: FirstPass, node: str, rail: str) -> tuple[str, ...]:
    runs = [m.run for m in first.slow if m.rail == rail and node in (m.sender, m.receiver)]
    runs += [m.run for r in results for m in (*r.slow_with, *r.good_with)]
    return tuple(dict.fromkeys(r for r in runs if r))


def _rail_blame(first: FirstPass, node: str, rail: str, found: list[SuspectResult], unit: str, link_of: LinkOf,
                counters_of: CountersOf, second: list[Measure]) -> Blame:
    slow = [m for r in found for m in r.slow_with]
    partners = _partners(found)
    runs = _runs(found, first, node, rail)
    place = link_of(node, rail)
    text = evidence.sentence(f"{node} {rail}", evidence.link_text(place), [m.value for m in slow],
                             _partners_figures(first, partners, rail, second), len(partners), unit,
                             counters_of(node, rail, runs))
    confidence = min(r.slow_partners / max(1, r.slow_partners + r.good_partners) for r in found)
    return Blame("rail", node, rail, evidence.link_text(place), text, round(confidence, 2), (node,), runs)


def _node_blame(first: FirstPass, node: str, rails: list[str], by_endpoint, unit: str,
                counters_of: CountersOf, second: list[Measure]) -> Blame:
    found = [r for rail in rails for r in by_endpoint.get((node, rail), [])]
    slow = [m for r in found for m in r.slow_with]
    partners = _partners(found)
    theirs = [v for rail in rails for v in _partners_figures(first, partners, rail, second)]
    runs = tuple(dict.fromkeys(run for rail in rails for run in _runs(found, first, node, rail)))
    deltas: dict[str, int] = {}
    for rail in rails:
        for name, d in counters_of(node, rail, runs).items():
            deltas[f"{rail} {name}" if len(rails) > 1 else name] = d
    subject = f"{node} all {len(rails)} rails" if len(rails) > 1 and rails != [NODE_RAIL] else node
    text = evidence.sentence(subject, "", [m.value for m in slow], theirs, len(partners), unit, deltas)
    confidence = min(r.slow_partners / max(1, r.slow_partners + r.good_partners) for r in found)
    return Blame("node", node, "" if rails == [NODE_RAIL] else "all", "", text, round(confidence, 2), (node,), runs)


def _link_blames(first: FirstPass, results: list[SuspectResult], second: list[Measure], unit: str, link_of: LinkOf,
                 counters_of: CountersOf) -> list[Blame]:
    status = {(r.suspect.node, r.suspect.rail, r.suspect.role): r for r in results}
    roles = ("send", "recv") if first.directional else ("any", "any")
    blames: dict[tuple[frozenset[str], str], Blame] = {}
    for m in first.slow:
        ends = [status.get((m.sender, m.rail, roles[0])), status.get((m.receiver, m.rail, roles[1]))]
        if not all(e is not None and e.status == "cleared" for e in ends):
            continue
        again = [x for x in second if x.rail == m.rail and (x.sender, x.receiver) == (m.sender, m.receiver)
                 or (not first.directional and x.rail == m.rail and (x.receiver, x.sender) == (m.sender, m.receiver))]
        if not again or not all(is_slow(x, first.limit) for x in again):
            continue  # not slow again together: one noisy run, nothing to blame
        key = (frozenset((m.sender, m.receiver)), m.rail)
        if key in blames:
            continue
        a, b = sorted((m.sender, m.receiver))
        together = [x for x in (*first.slow, *again) if x.rail == m.rail and {x.sender, x.receiver} == {a, b}]
        theirs = [x.value for e in ends for x in e.good_with if x.value is not None]
        path = evidence.pair_link(link_of(a, m.rail), link_of(b, m.rail))
        runs = tuple(x.run for x in together if x.run)
        deltas = {f"{n} {name}": d for n in (a, b) for name, d in counters_of(n, m.rail, runs).items()}
        subject = f"{a}+{b} {m.rail}".rstrip()
        text = evidence.sentence(subject, path, [x.value for x in together], theirs,
                                 len(_partners(ends)), unit, deltas) + "; each end is good with other partners"
        share = min(e.good_partners / max(1, e.good_partners + e.slow_partners) for e in ends)
        blames[key] = Blame("link", f"{a}+{b}", m.rail, path, text, round(LINK_CONFIDENCE * share, 2), (a, b), runs)
    return list(blames.values())
