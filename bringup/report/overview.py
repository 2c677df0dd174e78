"""The check half of the HTML summary as plain data (pure): the layer x node grid, failures grouped by check,
and which failure each blocked cell points at.

A 512-node run has about 240,000 records, so nothing here is per-record HTML: cells are counted, failures are
grouped by the check (test function) they come from, and each group lists at most ``SHOWN_PER_GROUP``
messages, plus every failure that blocked a node's higher layers, so each blocked cell's link has a target.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from bringup.gating import BLOCKED_PREFIX

SHOWN_PER_GROUP = 25
ORDER = ("failed", "error", "blocked", "skipped", "passed")   # the worst outcome in a cell gives its colour
# bringup.gating.Blocker.reason: "blocked: node01 failed at L13: test_x[node01-rail3]"
_CAUSE = re.compile(re.escape(BLOCKED_PREFIX) + r" (?P<node>\S+) failed at L(?P<layer>\d+): (?P<test>.+)$")


def layer_of(record: dict) -> int:
    try:
        return int(record.get("layer") or 0)
    except (TypeError, ValueError):
        return 0


def outcome_of(record: dict) -> str:
    outcome = record.get("outcome")
    return outcome if outcome in ORDER else "error"   # an unreadable outcome is not a pass


@dataclass
class Cell:
    counts: Counter = field(default_factory=Counter)
    cause: int | None = None   # index of the failure record a blocked cell links to

    @property
    def worst(self) -> str:
        return next((o for o in ORDER if self.counts.get(o)), "passed")


@dataclass
class Failure:
    index: int          # position in results.jsonl: the anchor ``r<index>``
    record: dict


@dataclass
class Group:
    check: str          # the test function: ``test_pfc_enabled_only_on_roce_priority``
    layer: int
    total: int
    shown: list[Failure]


@dataclass
class Overview:
    layers: list[int]
    nodes: list[str]
    cells: dict[tuple[int, str], Cell]
    groups: list[Group]
    totals: Counter


def _check_name(record: dict) -> str:
    name = str(record.get("name") or record.get("nodeid") or "?")
    return name.split("[", 1)[0]


def build(records: Iterable[dict]) -> Overview:
    records = list(records)
    cells: dict[tuple[int, str], Cell] = {}
    failures: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_node_name: dict[tuple[str, str], int] = {}
    first_blocked: dict[tuple[int, str], str] = {}   # one cause per node and layer: the first blocked record's
    known = set(ORDER)
    for index, record in enumerate(records):   # the hot loop of a 240,000-record run: plain lookups only
        outcome, layer, node = record.get("outcome"), record.get("layer"), record.get("node") or "-"
        if outcome not in known:
            outcome = "error"
        if type(layer) is not int:
            layer = layer_of(record)
        if type(node) is not str:
            node = str(node)
        cell = cells.get((layer, node))
        if cell is None:
            cell = cells[(layer, node)] = Cell()
        cell.counts[outcome] += 1
        if outcome == "passed":
            continue
        if outcome in ("failed", "error"):
            failures[(layer, _check_name(record))].append(index)
            by_node_name[(node, str(record.get("name") or ""))] = index
        elif outcome == "blocked":
            first_blocked.setdefault((layer, node), str(record.get("message") or ""))
    totals: Counter = Counter()
    for cell in cells.values():
        totals.update(cell.counts)
    nodes = {node for _, node in cells}
    causes: set[int] = set()
    for key, message in first_blocked.items():
        match = _CAUSE.match(message)
        if match:
            cells[key].cause = by_node_name.get((match["node"], match["test"]))
            if cells[key].cause is not None:
                causes.add(cells[key].cause)
    groups = []
    for (layer, check), indices in sorted(failures.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
        shown = [i for n, i in enumerate(indices) if n < SHOWN_PER_GROUP or i in causes]
        groups.append(Group(check, layer, len(indices), [Failure(i, records[i]) for i in shown]))
    return Overview(sorted({layer for layer, _ in cells}), sorted(nodes), cells, groups, totals)
