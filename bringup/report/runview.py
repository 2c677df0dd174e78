"""A run directory read back for the reports people look at (``summary.html``, ``metrics.prom``).

Everything here is read-only and tolerant: a run killed mid-way, a run without benchmarks or a missing
``bench/blame.csv`` give empty parts, never an exception; a table that exists but cannot be read is named in
``problems`` (shown at the top of the summary) instead of being silently dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bringup.rundir import read_results

BLAME_COLUMNS = ["node", "rail", "link", "evidence", "confidence"]


@dataclass
class RunView:
    path: Path
    meta: dict[str, Any]
    records: list[dict]
    results: pd.DataFrame | None = None    # bench/results.csv: every figure (the busbw-versus-size curves)
    verdicts: pd.DataFrame | None = None   # bench/verdicts.csv: the judged figures (bands, physical limit)
    blame: pd.DataFrame | None = None      # bench/blame.csv: the localization's suspects, when it ran
    problems: list[str] = field(default_factory=list)

    @property
    def run_id(self) -> str:
        return str(self.meta.get("run_id") or self.path.name)


def _table(path: Path, problems: list[str]) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as exc:
        problems.append(f"{path}: unreadable ({exc}); its part of the report is left out")
        return None


def load(run: Path) -> RunView:
    run = Path(run)
    problems: list[str] = []
    meta: dict[str, Any] = {}
    try:
        loaded = json.loads((run / "meta.json").read_text(encoding="utf-8", errors="replace"))
        meta = loaded if isinstance(loaded, dict) else {}
    except FileNotFoundError:
        problems.append(f"{run / 'meta.json'}: missing")
    except (OSError, ValueError) as exc:
        problems.append(f"{run / 'meta.json'}: unreadable ({exc})")
    view = RunView(run, meta, list(read_results(run)), problems=problems)
    view.results = _table(run / "bench" / "results.csv", problems)
    view.verdicts = _table(run / "bench" / "verdicts.csv", problems)
    blame = _table(run / "bench" / "blame.csv", problems)
    if blame is not None:
        missing = [c for c in BLAME_COLUMNS if c not in blame.columns]
        if missing:
            problems.append(f"{run / 'bench' / 'blame.csv'}: lacks the columns {', '.join(missing)}; left out")
        else:
            view.blame = blame
    return view


def rail_of(subject: object) -> str | None:
    """``rail3@node01+node02`` -> ``rail3``; a subject without a rail (``node01+node02``) -> None."""
    text = str(subject or "")
    head, sep, _ = text.partition("@")
    return head if sep and head else None
