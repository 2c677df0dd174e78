"""Judge results rows against baselines: one pandas merge on the key columns, then column arithmetic.

No Python loop over rows: a run of 1440 ranks x every size x every metric is judged in one pass
(benchmarks/judge_baselines.py measures it). Outcomes, as bench_contract.md fixes them:

- ``fail``: the row is not a valid measurement (``#wrong != 0``, Out of bounds FAILED, incomplete table;
  its ``invalid_reason`` is the message), the result's unit is not the baseline's, or the value lies outside
  ``value * (1 - lower)`` .. ``value * (1 + upper)``;
- ``warn``: inside the fail band but outside the warn band (``value * (1 -/+ warn)``) on a side that has a
  limit: recorded, not a failure (style.md 9);
- ``pass``;
- ``no-baseline``: no baseline has the row's key; ``strict=True`` (``--strict-baselines``) makes it ``fail``.

Messages name the figure, the limit and where the limit is written::

    all_reduce 8 GiB busbw 338.2 GB/s is 7.8% under 367 GB/s (lower -5%, baselines/h100-8x400g/nccl.yaml:12)
    osu_latency 8 B latency 2.8 us is 12.0% over 2.5 us (upper +10%, baselines/h100-8x400g/osu.yaml:25)
    all_reduce 8 GiB busbw 355 GB/s is 3.3% under 367 GB/s, within the warn band (warn -3%, lower -5%, ...:12)

(issue 10 quotes the first with 7.9%; (367 - 338.2) / 367 is 7.847%, which rounds to 7.8.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bringup.bench.baselines import KEY, format_size

RESULT_COLUMNS = ["case", "benchmark", "op", "size", "nodes", "gpus_per_node", "algo", "buffer", "metric", "value",
                  "unit", "subject", "valid", "invalid_reason"]
VERDICT_COLUMNS = ["outcome", "reference", "limit", "delta_pct", "pct_of_physical", "baseline_file", "baseline_line",
                   "message"]


def normalize_results(results: pd.DataFrame) -> pd.DataFrame:
    """Contract dtypes whatever the source (a CSV read back turns "" into NaN and bools into strings)."""
    missing = [c for c in RESULT_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"results rows lack the contract columns {', '.join(missing)}")
    out = results.copy(deep=False)
    for col in ("algo", "buffer", "invalid_reason"):   # the columns a CSV leaves blank
        if out[col].dtype not in (object, "str") or out[col].hasnans:
            out[col] = out[col].astype(object).fillna("").astype(str)
    for col, dtype in (("size", "int64"), ("nodes", "int64"), ("gpus_per_node", "int64"), ("value", "float64")):
        try:
            out[col] = out[col].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"results column {col!r} is not {dtype}: {exc}") from None
    valid = out["valid"]
    if valid.dtype != bool:
        valid = valid.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
    out["valid"] = valid
    return out


def judge(results: pd.DataFrame, baselines: pd.DataFrame, strict: bool = False) -> pd.DataFrame:
    """Results rows (bench_contract.md) + the baselines frame -> the same rows with VERDICT_COLUMNS added."""
    r = normalize_results(results)
    # Rows are numbered by their distinct key (+ unit), the distinct keys are merged with the baselines (the
    # pandas merge on the key columns), and each row takes its baseline by that number: the same left join
    # as merging every row, and the messages can be built per distinct key instead of per row.
    grouped = r.groupby(KEY + ["unit"], sort=False, dropna=False)
    g = grouped.ngroup().to_numpy()
    first = pd.Series(g).drop_duplicates()            # groups are numbered in order of first appearance
    keys = r.iloc[first.index.to_numpy()][KEY + ["unit"]].reset_index(drop=True)
    # An empty baselines frame (a profile without a folder) has object columns: give it the loader's dtypes.
    refs = baselines[KEY + _BASELINE_FIELDS].astype(_BASELINE_DTYPES).rename(columns=_RENAMED)
    table = keys.merge(refs, on=KEY, how="left", validate="many_to_one", sort=False)
    table["unit_mismatch"] = table["baseline_unit"].notna() & (table["unit"] != table["baseline_unit"])

    def per_row(col: str) -> np.ndarray:
        return table[col].to_numpy()[g]

    v = r["value"].to_numpy()
    ref, lower, upper, warn = per_row("reference"), per_row("lower"), per_row("upper"), per_row("warn")
    has = ~np.isnan(ref)
    with np.errstate(invalid="ignore"):
        low_limit, high_limit = ref * (1 - lower), ref * (1 + upper)
        below, above = v < low_limit, v > high_limit          # NaN limit (no limit on that side): False
        w = np.nan_to_num(warn)
        warned = (w > 0) & ((~np.isnan(lower) & (v < ref * (1 - w))) | (~np.isnan(upper) & (v > ref * (1 + w))))
    # A figure that is not a number (or is negative) is no measurement, whatever its row says.
    not_figure = ~(v >= 0)
    invalid = ~r["valid"].to_numpy() | not_figure
    unit_bad = per_row("unit_mismatch").astype(bool)
    failed = invalid | unit_bad | below | above
    outcome = _OUTCOMES[np.select([failed, ~has & strict, ~has, warned], [2, 2, 3, 1], 0)]

    with np.errstate(invalid="ignore", divide="ignore"):
        delta = (v - ref) / ref * 100
        physical = v / per_row("physical") * 100
    kind = np.select([invalid, unit_bad, ~has, warned & ~failed], [_INVALID, _UNIT, _MISSING, _WARN], _JUDGED)
    verdict = {
        "outcome": pd.Series(outcome, index=r.index, dtype=object),
        "reference": ref,
        "limit": np.where(above | (np.isnan(lower) & ~below), high_limit, low_limit),
        "delta_pct": delta,
        "pct_of_physical": physical,
        # object, not pandas' str dtype: a million strings are not re-checked one by one on the way in
        "baseline_file": pd.Series(per_row("baseline_file"), index=r.index, dtype=object),
        "baseline_line": pd.array(per_row("baseline_line"), dtype="Int64"),
        "message": pd.Series(_messages(table, g, kind, v, delta, _reasons(r, not_figure), strict), index=r.index,
                             dtype=object),
    }
    return r[RESULT_COLUMNS].assign(**verdict)


def _reasons(r: pd.DataFrame, not_figure: np.ndarray) -> pd.Series:
    if not not_figure.any():
        return r["invalid_reason"]
    reasons = r["invalid_reason"].astype(object).copy()
    reasons[not_figure & r["valid"].to_numpy()] = "the figure is not a non-negative number"
    return reasons


_OUTCOMES = np.array(["pass", "warn", "fail", "no-baseline"], dtype=object)
_BASELINE_FIELDS = ["value", "unit", "lower", "upper", "warn", "physical", "file", "line"]
_BASELINE_DTYPES = {"size": "int64", "nodes": "int64", "gpus_per_node": "int64", "value": "float64",
                    "lower": "float64", "upper": "float64", "warn": "float64", "physical": "float64"}
_RENAMED = {"value": "reference", "unit": "baseline_unit", "file": "baseline_file", "line": "baseline_line"}
_JUDGED, _WARN, _MISSING, _UNIT, _INVALID = range(5)   # message kinds, in the order their texts differ
_EMPTY = '""'


def _fmt_number(x: float) -> str:
    # 1 decimal for large figures (338.2 GB/s, 46123.4 MB/s), 3 significant digits below 10 (1.73 us, 0.152 Gb/s)
    return f"{x:.1f}".removesuffix(".0") if abs(x) >= 10 else f"{x:.3g}"


def _round_for_display(v: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        digits = np.where(np.abs(v) >= 10, 1, 2 - np.floor(np.log10(np.abs(v))))
        scale = 10.0 ** np.nan_to_num(digits, posinf=0, neginf=0)
    return np.round(v * scale) / scale


def _g(x: float) -> str:
    return f"{x:g}"


def _none(x) -> bool:
    return x is None or x != x   # NaN: the merge found no baseline, or the side has no limit


def _texts(t, kind: int, over: bool, strict: bool) -> tuple[str, str, str]:
    """(before the value, between value and percentage, after the percentage) for one distinct key + case."""
    head = f"{t.op} {format_size(int(t.size))} {t.metric} "
    where = "" if _none(t.baseline_line) else f"{t.baseline_file}:{int(t.baseline_line)}"
    if kind == _INVALID:
        return head, f" {t.unit} is not a valid measurement: ", ""
    if kind == _MISSING:
        key = (f"{t.benchmark} {t.op} {format_size(int(t.size))} nodes={t.nodes} gpus_per_node={t.gpus_per_node}"
               f" algo={t.algo or _EMPTY} buffer={t.buffer or _EMPTY} {t.metric}")
        return head, f" {t.unit}: no baseline for {key}" + (" (strict baselines)" if strict else ""), ""
    if kind == _UNIT:
        return head, f" {t.unit}: unit mismatch, the baseline is in {t.baseline_unit} ({where})", ""
    # The side the figure leans to names its tolerance; a side without a limit names the other one.
    low_side = _none(t.upper) or (not over and not _none(t.lower))
    tol = f"lower -{_g(t.lower * 100)}%" if low_side else f"upper +{_g(t.upper * 100)}%"
    band = f", within the warn band (warn {'+' if over else '-'}{_g(t.warn * 100)}%, " if kind == _WARN else " ("
    side = "over" if over else "under"
    return head, f" {t.unit} is ", f"% {side} {_g(t.reference)} {t.baseline_unit}{band}{tol}, {where})"


def _strings(numbers: np.ndarray, fmt) -> np.ndarray:
    """Format each distinct number once (a run repeats its figures at display precision) and spread back."""
    codes, uniques = pd.factorize(numbers, use_na_sentinel=False)
    return np.array([fmt(u) for u in uniques], dtype=object)[codes]


def _messages(table: pd.DataFrame, g: np.ndarray, kind: np.ndarray, v: np.ndarray, delta: np.ndarray,
              reasons: pd.Series, strict: bool) -> np.ndarray:
    """One message per row: the texts around the numbers are made once per distinct (key, case, side), the
    numbers once per distinct displayed value; the row's message is their concatenation (numpy, per element)."""
    shown = kind <= _WARN
    over = (delta >= 0) & shown
    combo, combos = pd.factorize(g.astype(np.int64) * 16 + kind * 2 + over)
    rows = list(table.astype(object).itertuples(index=False))   # plain Python values: cheap to read
    parts = [_texts(rows[c // 16], (c % 16) // 2, bool(c % 2), strict) for c in combos]
    heads, mids, tails = (np.array([p[i] for p in parts], dtype=object)[combo] for i in range(3))
    values = _strings(_round_for_display(v), _fmt_number)
    pcts = _strings(np.where(shown, np.round(np.abs(delta), 1), -1.0), lambda x: "" if x < 0 else f"{x:.1f}")
    message = np.empty(len(kind), dtype=object)
    message[:] = list(map("".join, zip(heads, values, mids, pcts, tails)))   # one string per row, built once
    invalid = kind == _INVALID
    if invalid.any():
        message[invalid] = message[invalid] + reasons.to_numpy(dtype=object)[invalid]
    return message
