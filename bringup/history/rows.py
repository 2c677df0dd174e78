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

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

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


_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")  # what a measured value must look like


def _float(text: Any) -> float:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text) if math.isfinite(text) else math.nan
    if not isinstance(text, str) or not _NUMBER.match(text):
        return math.nan
    return float(text)


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


def run_rows(run: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(meta, parts) of one run directory: the check rows' columns, then the benchmark rows' (a column is a
    list or, from :func:`fast_check_columns`, an Arrow array). Raises :class:`UnreadableRun` naming the file."""
    from bringup.rundir import read_results

    meta = read_meta(run)
    fast = fast_check_columns(run / "results.jsonl")
    if fast is not None:
        checks, layers = fast
    else:  # a cut last line, a hand-edited record: the line-by-line reader keeps what it can
        checks = empty_columns()
        try:
            records = list(read_results(run))
        except OSError as exc:
            raise UnreadableRun(f"{run / 'results.jsonl'}: unreadable ({exc}); run skipped") from None
        layers = check_rows(records, checks)
    bench = empty_columns()
    for name in ("verdicts", "results"):
        path = run / "bench" / f"{name}.csv"
        if path.exists():
            rows = _read_csv(path)
            if name == "results":  # not judged: keep the headline (largest) size per case and metric
                rows = _largest_sizes(rows)
            bench_rows(rows, layers, bench)
            break
    return meta, [checks, bench]


# results.jsonl fields the history reads, for pyarrow's JSON reader (C++, about 5x json.loads per line);
# any record it cannot take as typed here (a cut line, a number where a string belongs) sends the whole file
# to the line-by-line reader above instead.
_RECORD = pa.schema([("name", pa.string()), ("nodeid", pa.string()), ("layer", pa.int64()), ("node", pa.string()),
                     ("item", pa.string()), ("benchmark", pa.string()), ("measured", pa.string()),
                     ("unit", pa.string()), ("outcome", pa.string())])


def fast_check_columns(path: Path) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The check rows of a results.jsonl as Arrow arrays (same values as :func:`check_rows`), or None."""
    if not path.exists():
        return empty_columns(), {}
    try:
        t = pa_json.read_json(path, parse_options=pa_json.ParseOptions(
            explicit_schema=_RECORD, unexpected_field_behavior="ignore", newlines_in_values=False))
    except (pa.ArrowException, OSError):
        return None
    name = pc.fill_null(pc.coalesce(t["name"], t["nodeid"]), "")
    keep = pc.not_equal(name, "")
    t, name = t.filter(keep), name.filter(keep)
    text = {c: pc.fill_null(t[c], "") for c in ("node", "item", "benchmark", "measured", "unit", "outcome")}
    is_bench = pc.and_(pc.not_equal(text["benchmark"], ""), pc.match_substring(name, "["))
    case = pc.if_else(is_bench, pc.struct_field(pc.extract_regex(name, r"\[(?P<c>.*)\]$"), [0]), "")
    case = pc.fill_null(case, "")
    rail = pc.if_else(pc.and_(pc.and_(pc.equal(text["benchmark"], ""), pc.not_equal(text["item"], "")),
                              pc.invert(pc.match_substring_regex(text["item"], _GPU_ITEM.pattern))), text["item"], "")
    number = pc.match_substring_regex(text["measured"], _NUMBER.pattern)
    value = pc.fill_null(pc.cast(pc.if_else(number, text["measured"], pa.scalar(None, pa.string())), pa.float64()),
                         math.nan)
    layer = pc.fill_null(t["layer"], 0)
    n = len(name)
    cols: dict[str, Any] = {
        "kind": ["check"] * n, "key": name, "layer": layer, "node": text["node"], "rail": rail,
        "check": pc.fill_null(pc.struct_field(pc.extract_regex(name, r"^(?P<c>[^\[]*)"), [0]), ""),
        "benchmark": text["benchmark"], "op": [""] * n, "size": [math.nan] * n, "metric": [""] * n,
        "value": value, "unit": text["unit"], "outcome": text["outcome"], "item": text["item"], "case": case}
    bench_items = pc.filter(pa.table({"case": case, "layer": layer}), is_bench).to_pydict()
    return cols, dict(zip(bench_items["case"], bench_items["layer"]))


def _largest_sizes(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    best: dict[tuple[str, str], tuple[float, dict]] = {}
    for r in rows:
        size = _float(r.get("size"))
        k = (r.get("case", ""), r.get("metric", ""))
        if k not in best or size > best[k][0]:
            best[k] = (size, r)
    return [r for _, r in best.values()]
