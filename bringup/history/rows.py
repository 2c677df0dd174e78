"""One run directory -> its history rows (pure: reads files, returns columns; no cache, no pandas frame).

A run contributes one row per check record (``results.jsonl``) and one row per judged benchmark figure
(``bench/verdicts.csv``: the figures that have a baseline, i.e. the headline sizes the gate compares; when
a run was killed before its benchmarks were judged, ``bench/results.csv`` stands in, its rows without an
outcome). Every size of every benchmark stays in the run's own ``results.csv`` for per-run curves; history
keeps the judged ones so 365 nights of 64 nodes load in well under 2 s (benchmarks/history_load.py).
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path
from typing import Any

from bringup.bench.baselines import format_size

# The columns every consumer may rely on (the HTML trend lines, the gate); ``run_dir``, ``item`` and ``case``
# are extra: the run's folder name (the cache's identity), a check's rail/GPU/subject, a benchmark's run id.
COLUMNS = ["run_id", "started", "status", "kind", "key", "layer", "node", "rail", "check", "benchmark", "op",
           "size", "metric", "value", "unit", "outcome"]
EXTRA = ["run_dir", "item", "case"]
STRINGS = ["run_id", "status", "kind", "key", "node", "rail", "check", "benchmark", "op", "metric", "unit",
           "outcome", "run_dir", "item", "case"]
_GPU_ITEM = re.compile(r"^gpu\d+$")


class UnreadableRun(Exception):
    """A run directory whose meta.json (or a results file) cannot be read; the message names the file."""


def read_meta(run: Path) -> dict[str, Any]:
    path = run / "meta.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UnreadableRun(f"{path}: unreadable ({exc}); run skipped") from None
    if not isinstance(meta, dict):
        raise UnreadableRun(f"{path}: not a JSON object; run skipped")
    return meta


def _float(text: Any) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return math.nan
    return value if math.isfinite(value) else math.nan


def check_key(name: str) -> str:
    """A check's stable id: its test name with its parameters (``test_link_speed[node01-rail0]``)."""
    return name


def bench_key(case: str, metric: str, size: int | float) -> str:
    """A benchmark figure's stable id: ``perftest-write-bw@rail0@node01+node02 bw_peak 64 KiB``."""
    return f"{case} {metric} {format_size(int(size))}"


def split_case(case: str) -> tuple[str, str, str]:
    """``nccl-sendrecv-rail@rail2@node01+node02`` -> (catalogue id, rail, first node); plan.py's id shape."""
    parts = case.split("@")
    rail = parts[1] if len(parts) == 3 else ""
    node = parts[-1].split("+")[0] if len(parts) > 1 else ""
    return parts[0], rail, node


def empty_columns() -> dict[str, list]:
    return {c: [] for c in COLUMNS + EXTRA}


def check_rows(records: list[dict], out: dict[str, list]) -> dict[str, int]:
    """Append one row per check record; return {benchmark run id: layer} from the benchmark items."""
    layers: dict[str, int] = {}
    for r in records:
        name = str(r.get("name") or r.get("nodeid") or "")
        if not name:
            continue
        try:
            layer = int(r.get("layer") or 0)
        except (TypeError, ValueError):
            layer = 0
        item = str(r.get("item") or "")
        benchmark = str(r.get("benchmark") or "")
        case = name[name.find("[") + 1:-1] if benchmark and "[" in name else ""
        if case:
            layers[case] = layer
        rail = item if item and not benchmark and not _GPU_ITEM.match(item) else ""
        out["kind"].append("check")
        out["key"].append(check_key(name))
        out["layer"].append(layer)
        out["node"].append(str(r.get("node") or ""))
        out["rail"].append(rail)
        out["check"].append(name.split("[", 1)[0])
        out["benchmark"].append(benchmark)
        out["op"].append("")
        out["size"].append(math.nan)
        out["metric"].append("")
        out["value"].append(_float(r.get("measured")))
        out["unit"].append(str(r.get("unit") or ""))
        out["outcome"].append(str(r.get("outcome") or ""))
        out["item"].append(item)
        out["case"].append(case)
    return layers


def bench_rows(rows: list[dict[str, str]], layers: dict[str, int], out: dict[str, list]) -> None:
    """Append one row per benchmark figure (a ``verdicts.csv``/``results.csv`` row as csv.DictReader gives
    it, or a judged frame's records); an invalid measurement has value NaN and outcome fail."""
    for r in rows:
        case = str(r.get("case") or "")
        try:
            size = int(float(r.get("size") or 0))
        except (TypeError, ValueError):
            continue
        metric = str(r.get("metric") or "")
        valid = str(r.get("valid", "True")).strip().lower() in ("true", "1", "yes")
        _, rail, node = split_case(case)
        out["kind"].append("bench")
        out["key"].append(bench_key(case, metric, size))
        out["layer"].append(layers.get(case, 0))
        out["node"].append(node)
        out["rail"].append(rail)
        out["check"].append("")
        out["benchmark"].append(str(r.get("benchmark") or ""))
        out["op"].append(str(r.get("op") or ""))
        out["size"].append(float(size))
        out["metric"].append(metric)
        out["value"].append(_float(r.get("value")) if valid else math.nan)
        out["unit"].append(str(r.get("unit") or ""))
        out["outcome"].append(str(r.get("outcome") or ("fail" if not valid else "")))
        out["item"].append(str(r.get("subject") or ""))
        out["case"].append(case)


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableRun(f"{path}: unreadable ({exc}); run skipped") from None


def run_rows(run: Path) -> tuple[dict[str, Any], dict[str, list]]:
    """(meta, columns) of one run directory; raises :class:`UnreadableRun` naming the file."""
    from bringup.rundir import read_results

    meta = read_meta(run)
    out = empty_columns()
    try:
        records = list(read_results(run))
    except OSError as exc:
        raise UnreadableRun(f"{run / 'results.jsonl'}: unreadable ({exc}); run skipped") from None
    layers = check_rows(records, out)
    for name in ("verdicts", "results"):
        path = run / "bench" / f"{name}.csv"
        if path.exists():
            rows = _read_csv(path)
            if name == "results":  # not judged: keep the headline (largest) size per case and metric
                rows = _largest_sizes(rows)
            bench_rows(rows, layers, out)
            break
    n = len(out["key"])
    out["run_dir"] = [run.name] * n
    return meta, out


def _largest_sizes(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    best: dict[tuple[str, str], tuple[float, dict]] = {}
    for r in rows:
        size = _float(r.get("size"))
        k = (r.get("case", ""), r.get("metric", ""))
        if k not in best or size > best[k][0]:
            best[k] = (size, r)
    return [r for _, r in best.values()]
