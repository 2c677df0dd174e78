"""``RUN/metrics.prom``: the run in the Prometheus text exposition format, for node_exporter's textfile collector.

Copy or link it into the collector's directory (``--collector.textfile.directory``); node_exporter reads every
``*.prom`` there on each scrape. What the collector accepts, and so what is written here:

- each metric family once, with ``# HELP`` and ``# TYPE`` lines before its samples (exposition format 0.0.4);
- label values escaped: backslash, double quote and newline as ``\\\\``, ``\\"``, ``\\n``; HELP text escapes
  backslash and newline (https://prometheus.io/docs/instrumenting/exposition_formats/);
- no sample timestamps (the textfile collector rejects them), so the run's time is a gauge of its own;
- no run id on the per-check and per-benchmark series: a new label value every night would make a new series
  every night; ``bringup_run_info`` carries it instead;
- the file replaced atomically (written beside, then renamed), as node_exporter's docs ask.

Benchmarks come from ``bench/verdicts.csv`` (the judged figures: one size per case and metric), not from every
size of ``results.csv``: a 512-node run has hundreds of thousands of those, too many series for a scrape.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pandas as pd

from bringup.designs import LAYER_BY_NUMBER
from bringup.report import atomic, overview
from bringup.report.runview import RunView, load, rail_of
from bringup.report.safe_text import safe_text

BENCH_LABELS = ("benchmark", "op", "size", "metric", "nodes", "rail", "unit", "case")


@functools.lru_cache(maxsize=65536)  # node names and layer slugs repeat thousands of times in a large run
def _escape_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_label(value: object) -> str:
    return _escape_text(safe_text(value))  # control characters as \xNN: a textfile line must stay one line


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _labels(pairs: dict[str, object]) -> str:
    return "{" + ",".join(f'{k}="{escape_label(v)}"' for k, v in pairs.items()) + "}"


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class _Families:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, help_text: str, samples: list[tuple[dict[str, object], float]]) -> None:
        if not samples:
            return
        self.lines += [f"# HELP {name} {_escape_help(help_text)}", f"# TYPE {name} gauge"]
        self.lines += [f"{name}{_labels(labels) if labels else ''} {_number(value)}" for labels, value in samples]


def _bench_labels(row: dict) -> dict[str, object]:
    size = row.get("size")
    return {"benchmark": row.get("benchmark", ""), "op": row.get("op", ""),
            "size": "" if size is None or pd.isna(size) else int(size), "metric": row.get("metric", ""),
            "nodes": "" if pd.isna(row.get("nodes")) else int(row["nodes"]), "rail": rail_of(row.get("subject")) or "",
            "unit": row.get("unit", ""), "case": row.get("case", "")}


def render(view: RunView, checks: overview.Overview | None = None) -> str:
    out = _Families()
    meta = view.meta
    out.family("bringup_run_info", "The run this file describes (value always 1).",
               [({"run_id": view.run_id, "design": meta.get("design") or "", "inventory": meta.get("inventory") or "",
                  "status": meta.get("status") or "unknown"}, 1)])
    for name, key, help_text in (("bringup_run_start_timestamp_seconds", "started", "When the run started, Unix time."),
                                 ("bringup_run_end_timestamp_seconds", "ended", "When the run ended, Unix time."),
                                 ("bringup_run_exit_status", "exit_status", "pytest's exit status of the run.")):
        if isinstance(meta.get(key), (int, float)) and not isinstance(meta.get(key), bool):
            out.family(name, help_text, [({}, float(meta[key]))])
    checks = checks or overview.build(view.records)
    samples = []
    for (layer, node), cell in sorted(checks.cells.items()):
        slug = LAYER_BY_NUMBER[layer].slug if layer in LAYER_BY_NUMBER else "other"
        for outcome, n in sorted(cell.counts.items()):
            samples.append(({"layer": layer, "layer_name": slug, "node": "" if node == "-" else node,
                             "outcome": outcome}, n))
    out.family("bringup_checks", "Checks per layer, node and outcome "
               "(passed, failed, error, blocked by a lower layer, skipped).", samples)
    verdicts = view.verdicts
    if verdicts is not None and not verdicts.empty:
        rows = [(_bench_labels(r), r) for r in verdicts.to_dict("records")]
        out.family("bringup_benchmark_value", "A judged benchmark figure, in the unit of its unit label.",
                   [(labels, float(r["value"])) for labels, r in rows if not pd.isna(r.get("value"))])
        out.family("bringup_benchmark_reference", "The baseline the figure was judged against (baselines/).",
                   [(labels, float(r["reference"])) for labels, r in rows if not pd.isna(r.get("reference"))])
        out.family("bringup_benchmark_ok", "1 when the figure passed its baseline (or warned), 0 when it failed.",
                   [(labels, 0 if r.get("outcome") == "fail" else 1) for labels, r in rows
                    if r.get("outcome") in ("pass", "warn", "fail")])
    return "\n".join(out.lines) + "\n"


def write(run: Path, view: RunView | None = None, checks: overview.Overview | None = None) -> Path:
    run = Path(run)
    text = render(view or load(run), checks)
    return atomic.replace(run / "metrics.prom", lambda tmp: tmp.write_text(text, encoding="utf-8"))
