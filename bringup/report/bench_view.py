"""Which benchmark plots the summary draws, from ``bench/results.csv``, ``bench/verdicts.csv`` and the history.

- busbw versus size: one plot per (benchmark, op, nodes) with a size sweep, the runs of that group folded into
  median and min-max (a 512-node run has hundreds of pairs: one line each would be unreadable);
- per-rail bandwidth: one plot per case family (``perftest-write-bw``, ``nccl-sendrecv-rail``...) whose
  subjects name a rail, every pair's judged figure per rail against the band;
- trend lines: the headline figure (largest size) of each (benchmark, op, metric) across the runs that
  ``bringup.history.load_history`` finds in the reports folder, when that module is there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from bringup.report import plots
from bringup.report.runview import RunView, rail_of

MAX_TRENDS = 12
CURVE_METRICS = ("busbw",)


def _family(case: object) -> str:
    return str(case).split("@", 1)[0]


def size_curves(view: RunView) -> list[tuple[str, str]]:
    results, verdicts = view.results, view.verdicts
    if results is None or results.empty or "metric" not in results:
        return []
    rows = results[results["metric"].isin(CURVE_METRICS)]
    if "valid" in rows:
        rows = rows[rows["valid"].astype(str) != "False"]
    empty = pd.DataFrame(columns=["size", "value", "outcome", "reference", "limit", "pct_of_physical"])
    judged_by = {}
    if verdicts is not None and not verdicts.empty:
        curve_verdicts = verdicts[verdicts["metric"].isin(CURVE_METRICS)]
        judged_by = dict(list(curve_verdicts.groupby(["benchmark", "op", "nodes"], sort=False)))
    out = []
    for (benchmark, op, nodes), group in rows.groupby(["benchmark", "op", "nodes"], sort=True):
        if group["size"].nunique() < 2:
            continue
        judged = judged_by.get((benchmark, op, nodes), empty)
        title = f"{benchmark} {op}, {nodes} node{'s' if nodes != 1 else ''}: busbw vs size"
        out.append((title, plots.size_curve(title, group, judged, str(group["unit"].iloc[0]))))
    return out


def rail_plots(view: RunView) -> list[tuple[str, str]]:
    verdicts = view.verdicts
    if verdicts is None or verdicts.empty:
        return []
    judged = verdicts.assign(rail=verdicts["subject"].map(rail_of), family=verdicts["case"].map(_family))
    judged = judged[judged["rail"].notna() & judged["unit"].astype(str).str.endswith("/s")]
    out = []
    for (family, metric), group in judged.groupby(["family", "metric"], sort=True):
        sizes = sorted(group["size"].unique())
        group = group[group["size"] == sizes[-1]]   # one figure per pair and rail: the largest judged size
        title = f"{family} {metric} per rail"
        out.append((title, plots.rail_bandwidth(title, group, str(group["unit"].iloc[0]))))
    return out


def _history_loader() -> Callable[[Path], pd.DataFrame] | None:
    try:   # bringup.history arrives with the nightly-regression work; without it there are no trend lines
        from bringup.history import load_history
    except ImportError:
        return None
    return load_history


def _has_earlier_runs(run: Path) -> bool:
    """Another run directory beside this one: without one there is no trend, and no history to load."""
    try:
        run = run.resolve()   # reports/latest is a link to the newest run
        return any(p.resolve() != run and (p / "meta.json").exists() for p in run.parent.iterdir())
    except OSError:
        return False


def _epoch(started: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(started):
        return started.astype(float)
    stamps = pd.to_datetime(started, utc=True, errors="coerce")
    return (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds()


def trends(view: RunView, history: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    if history is None:
        # no earlier run beside this one: no trend, and no need to import the loader (pyarrow, 0.4 s)
        loader = _history_loader() if _has_earlier_runs(view.path) else None
        if loader is None:
            return []
        try:
            history = loader(view.path.parent)
        except Exception as exc:  # noqa: BLE001 - the history is an extra; the summary must still be written
            view.problems.append(f"history of {view.path.parent}: not loaded ({type(exc).__name__}: {exc})")
            return []
    if history is None or history.empty or "kind" not in history:
        return []
    bench = history[(history["kind"] == "bench") & history["value"].notna()].copy()
    if bench.empty:
        return []
    bench["started"] = _epoch(bench["started"])
    this = view.meta.get("started")
    if isinstance(this, (int, float)):
        bench = bench[bench["started"] <= this + 1]   # a rebuilt older report shows the history up to its run
    # one line per case family (nccl-all_reduce-ring, perftest-write-bw...): a 1-node and a 2-node all_reduce
    # have different ceilings, and one median over both would move whenever the mix does
    bench["family"] = (bench["case"].astype(str).map(_family) if "case" in bench
                       else bench["benchmark"].astype(str) + " " + bench["op"].astype(str))
    out = []
    for (family, metric), group in bench.groupby(["family", "metric"], sort=True, observed=True):
        group = group[group["size"] == group["size"].max()]
        series = plots.stats(group, ["run_id", "started"]).reset_index().sort_values("started")
        if len(series) < 2:
            continue
        title = f"{family} {metric} at {plots.size_label(float(group['size'].iloc[0]))}, {len(series)} runs"
        out.append((title, plots.trend(title, series, str(group["unit"].iloc[0]))))
        if len(out) >= MAX_TRENDS:
            break
    return out
