"""The terminal summary: a layer x node table of passed / failed / blocked / skipped."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

from bringup.designs import LAYER_BY_NUMBER
from bringup.report.safe_text import safe_text

OUTCOMES = ("passed", "failed", "blocked", "skipped")
WIDE = 8  # above this many nodes, nodes become rows


def _bucket(outcome: object) -> str:
    # an error counts as failed; so does a record whose outcome is unreadable (a hand-edited file)
    return outcome if outcome in OUTCOMES else "failed"


def _layer(record: dict) -> int:
    try:
        return int(record.get("layer") or 0)
    except (TypeError, ValueError):
        return 0


def layer_node_table(records: Iterable[dict]) -> list[str]:
    cells: dict[tuple[int, str], Counter] = defaultdict(Counter)
    nodes: list[str] = []
    for record in records:
        node = safe_text(record.get("node") or "-")  # printed on the reader's terminal
        if node not in nodes:
            nodes.append(node)
        cells[(_layer(record), node)][_bucket(record.get("outcome"))] += 1
    if not cells:
        return ["(no checks ran)"]
    nodes.sort()
    layers = sorted({layer for layer, _ in cells})

    def cell(counter: Counter) -> str:
        return "/".join(str(counter.get(k, 0)) for k in OUTCOMES) if counter else "-"

    if len(nodes) <= WIDE:
        head = ["layer"] + nodes
        rows = []
        for number in layers:
            layer = LAYER_BY_NUMBER.get(number)
            rows.append([f"L{number:02d} {layer.slug if layer else '?'}"] + [cell(cells.get((number, n), Counter())) for n in nodes])
    else:  # many nodes: one row per node keeps the table inside a terminal
        head = ["node"] + [f"L{number:02d}" for number in layers]
        rows = [[n] + [cell(cells.get((number, n), Counter())) for number in layers] for n in nodes]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    fmt = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return [f"cells: {'/'.join(OUTCOMES)}", fmt(head)] + [fmt(r) for r in rows]
