"""The summary's plots, as inline SVG text (:mod:`bringup.report.svgchart`): busbw versus size, bandwidth per
rail, and a metric across runs, each against its baseline band and physical limit where the judge had them."""

from __future__ import annotations

import re
import time

import pandas as pd

from bringup.report.svgchart import Chart

PASS, WARN, FAIL, BAND, PHYSICAL = "#2e7d32", "#ef6c00", "#c62828", "#90caf9", "#6a1b9a"


def size_label(size: float) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size:g} B"


def physical_limit(judged: pd.DataFrame) -> float | None:
    """The ceiling the judge measured against: value / pct_of_physical x 100 (the baselines' ``physical``:
    line rate or NVLink bandwidth, layers.md section 4)."""
    if "pct_of_physical" not in judged:
        return None
    rows = judged[pd.to_numeric(judged["pct_of_physical"], errors="coerce") > 0]
    if rows.empty:
        return None
    return round(float((rows["value"] * 100 / rows["pct_of_physical"]).median()), 3)


def size_curve(title: str, curve: pd.DataFrame, judged: pd.DataFrame, unit: str) -> str:
    """busbw versus message size: the median over the group's runs, their min-max range, the baseline band
    (limit to reference) at each judged size and the physical limit."""
    chart = Chart(title, unit, "message size", xlog=True)
    table = stats(curve[curve["size"] > 0], "size").reset_index()
    runs = int(table["count"].max()) if not table.empty else 0
    bands = judged.dropna(subset=["reference", "limit"]).groupby("size")[["reference", "limit"]].median()
    for n, (size, row) in enumerate(bands.iterrows()):
        chart.band(size / 1.5, size * 1.5, row["limit"], row["reference"], BAND,
                   "baseline band (limit to reference)" if n == 0 else None)
    if runs > 1:
        chart.area(table["size"], table["min"], table["max"], PASS, f"min-max of {runs} runs")
    chart.line(table["size"], table["median"], PASS, "median" if runs > 1 else "measured")
    physical = physical_limit(judged)
    if physical:
        chart.hline(physical, PHYSICAL, f"physical limit {physical:g} {unit}")
    failed = judged[judged["outcome"] == "fail"]
    if not failed.empty:
        chart.points(failed["size"], failed["value"], FAIL, "failed", cross=True)
    sizes = list(table["size"])
    step = max(1, -(-len(sizes) // 8))
    chart.xticks = [(s, size_label(s)) for s in sizes[::step]]
    return chart.render(ymin=0)


def rail_bandwidth(title: str, judged: pd.DataFrame, unit: str) -> str:
    """One column per rail: the pairs' figures (median dot, min-max whisker), failures as red crosses, the
    baseline band behind and the physical limit across."""
    rails = sorted(judged["rail"].unique(), key=_natural)
    chart = Chart(title, unit, "rail", width=max(360, 60 * len(rails) + 80))
    position = {rail: n for n, rail in enumerate(rails)}
    bands = judged.dropna(subset=["reference", "limit"]).groupby("rail")[["reference", "limit"]].median()
    for n, (rail, row) in enumerate(bands.iterrows()):
        x = position[rail]
        chart.band(x - 0.35, x + 0.35, row["limit"], row["reference"], BAND, "baseline band" if n == 0 else None)
    table = stats(judged, "rail").reindex(rails)
    xs = list(range(len(rails)))
    chart.whiskers(xs, table["min"], table["max"], PASS)
    pairs = int(table["count"].max()) if len(table) else 0
    chart.points(xs, table["median"], PASS, f"median, min-max of {pairs} pairs" if pairs > 1 else "measured")
    failed = judged[judged["outcome"] == "fail"]
    if not failed.empty:
        chart.points([position[r] for r in failed["rail"]], failed["value"], FAIL, "failed", cross=True)
    physical = physical_limit(judged)
    if physical:
        chart.hline(physical, PHYSICAL, f"physical limit {physical:g} {unit}")
    chart.xticks = [(n, rail) for n, rail in enumerate(rails)]
    return chart.render(ymin=0)


def trend(title: str, series: pd.DataFrame, unit: str) -> str:
    """One metric across runs: ``series`` has columns started (Unix time), median, min, max; newest last."""
    chart = Chart(title, unit, "run start (UTC)", height=220)
    xs = list(series["started"])
    chart.area(xs, series["min"], series["max"], PASS, "min-max")
    chart.line(xs, series["median"], PASS, "median")
    chart.points(xs[-1:], list(series["median"])[-1:], WARN, "this run")
    step = max(1, -(-len(xs) // 6))
    chart.xticks = [(x, time.strftime("%m-%d %H:%M", time.gmtime(x))) for x in xs[::step]]
    return chart.render()


def stats(frame: pd.DataFrame, by) -> pd.DataFrame:
    """median, min, max and count of ``value`` per ``by``: four cython reductions (``agg([...])`` with a list
    goes through pandas' generic path, about 10x slower, and this runs at the end of every suite run)."""
    grouped = frame.groupby(by, sort=True, observed=True)["value"]
    return pd.DataFrame({"median": grouped.median(), "min": grouped.min(), "max": grouped.max(),
                         "count": grouped.count()})


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(text)))
