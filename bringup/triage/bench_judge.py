"""Benchmark rows of a pasted output judged against ``baselines/`` (bringup/bench/judge.py), for the nccl-tests
and perftest rules.

A pasted output does not say which profile it ran on, nor the ``NCCL_ALGO`` or buffer it ran with (the key
columns a baseline carries), so each profile folder is tried, and for each the row's own key first, then the
algo/buffer values that profile's baselines use for the same benchmark, op, size and shape; the first that
matches judges, and the finding says which file and line. An invalid row (``#wrong`` != 0) fails whatever the
bandwidth.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bringup.bench import judge
from bringup.bench.baselines import BaselineError, format_size, load_dir
from bringup.triage.model import Finding

BASELINES = Path(__file__).resolve().parent.parent.parent / "baselines"
PRIMARY = ("busbw", "bandwidth", "latency")


def _profiles(root: Path) -> list[tuple[str, pd.DataFrame]]:
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        try:
            out.append((folder.name, load_dir(folder)))
        except BaselineError:
            continue  # a folder without valid baselines judges nothing (`bringup baseline check` names why)
    return out


def findings(rows: pd.DataFrame, subject: str, root: Path = BASELINES) -> list[Finding]:
    out = []
    invalid = rows[~rows["valid"].astype(bool)]
    for reason, group in invalid.groupby("invalid_reason", sort=False):  # one finding per cause, its sizes named
        sizes = sorted(set(int(s) for s in group["size"]))
        shown = ", ".join(format_size(s) for s in sizes[:4])
        shown += f" ... {format_size(sizes[-1])}" if len(sizes) > 4 else ""
        out.append(Finding("fail", subject, f"{group['op'].iloc[0]} not a valid measurement at {len(sizes)} size(s) "
                                            f"({shown}): {reason}"))
    rows = rows[rows["metric"].isin(PRIMARY) & rows["valid"].astype(bool)]
    for profile, baselines in _profiles(root):
        same = baselines.iloc[0:0]
        if len(rows):
            same = baselines[(baselines["benchmark"] == rows["benchmark"].iloc[0])
                             & (baselines["op"] == rows["op"].iloc[0])]
        own = (rows["algo"].iloc[0], rows["buffer"].iloc[0]) if len(rows) else ("", "")
        variants = [own] + sorted({(a, b) for a, b in zip(same["algo"], same["buffer"])} - {own})
        for algo, buffer in variants:
            judged = judge.judge(rows.assign(algo=algo, buffer=buffer), baselines)
            judged = judged[judged["outcome"] != "no-baseline"]
            if judged.empty:
                continue
            how = ", ".join(p for p in (f"NCCL_ALGO={algo}" if algo != own[0] else "",
                                        f"{buffer} memory" if buffer != own[1] else "") if p)
            note = f" [profile {profile}" + (f"; judged as {how}: the output does not say" if how else "") + "]"
            for r in judged.itertuples():
                severity = {"pass": "info", "warn": "warn"}.get(r.outcome, "fail")
                out.append(Finding(severity, subject, f"{r.message}{note}"))
            break
    if not out:
        out.append(Finding("info", subject, f"no baseline under {BASELINES.name}/ has this benchmark's key "
                                            f"({rows['op'].iloc[0] if len(rows) else '?'}, "
                                            f"{int(rows['nodes'].iloc[0]) if len(rows) else '?'} node(s))"))
    return out
