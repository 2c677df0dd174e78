"""``RUN/bench/blame.csv`` and the terminal table: one row per blame.

Columns (the HTML summary's blame table reads them): ``node`` (a link blame names both ends, ``a+b``),
``rail`` (``all`` for a slow host, empty for a node-pair benchmark), ``link`` (leaf and port, or the path
of a pair), ``evidence`` (the sentence), ``confidence`` (0..1), ``kind`` (node | rail | link) and
``benchmark`` (the catalogue case whose runs were localized).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from bringup.bench.store import BenchStore
from bringup.localize.model import Blame

COLUMNS = ["node", "rail", "link", "evidence", "confidence", "kind", "benchmark"]
FILE = "blame"  # bench/blame.csv


def frame(blames: Iterable[tuple[str, Blame]]) -> pd.DataFrame:
    rows = [{"node": b.node, "rail": b.rail, "link": b.link, "evidence": b.evidence, "confidence": b.confidence,
             "kind": b.kind, "benchmark": case} for case, b in blames]
    return pd.DataFrame(rows, columns=COLUMNS)


def write(run_dir: Path, blames: Iterable[tuple[str, Blame]]) -> Path:
    """Replace ``bench/blame.csv`` (written even when empty: no blame is a result too)."""
    return BenchStore(run_dir).write_table(FILE, frame(blames))


def text(blames: list[tuple[str, Blame]]) -> str:
    """The table a terminal prints: kind, node, rail, link, confidence, then the evidence on its own line."""
    if not blames:
        return "no blame"
    lines = []
    for case, b in blames:
        lines.append(f"{b.kind:<5} {b.node} {b.rail or '-'} [{b.link or '-'}] confidence {b.confidence:.2f} ({case})")
        lines.append(f"      {b.evidence}")
    return "\n".join(lines)
