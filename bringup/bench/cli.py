"""``bringup baseline generate RUN_DIR --profile P`` and ``bringup baseline check FILE|DIR``.

``generate`` turns a healthy benchmark run (``RUN_DIR/bench/results.csv``, bench_contract.md columns) into
``baselines/<profile>/<benchmark>.yaml``: the median of each key's figures, default tolerances
(:data:`DEFAULT_TOLERANCES`), ``source: generated from run <run-id> on <date>``. A run with an invalid row
(``#wrong != 0``, Out of bounds FAILED, an incomplete table) is refused whole: a baseline made from a broken run
would pass the next broken run (``--skip-invalid`` leaves those rows out instead and says which).
``check`` validates baseline files and prints every ``file:line`` problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from bringup.bench.baselines import (KEY, LOWER_IS_BETTER, BaselineError, display_path, format_size, load_dir,
                                     load_file, name_problem, profile_folders, yaml_files)

# Defaults for generated entries (edit the file to tighten them): a bandwidth may fall 5% below the run's
# median (layers.md §4 holds GPU memory to "within 5% of host-mem" and L13 rails to 95% of line rate) and warns
# from 3%; a latency may rise 10% (the §4 latency rows are bands, not points) and warns from 5%.
DEFAULT_TOLERANCES = {
    "higher": {"lower": 0.05, "upper": None, "warn": 0.03},
    "lower": {"lower": None, "upper": 0.10, "warn": 0.05},
}
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


def check_profile_name(profile: str) -> str:
    if not _PROFILE_NAME.match(profile):
        raise BaselineError(f"profile {profile!r} is not a folder name (letters, digits, '_', '.', '-')")
    return profile


def _refusals(r: pd.DataFrame) -> list[str]:
    """Rows a baseline must not be made from: invalid measurements, non-figures, names the schema refuses."""
    def label(frame: pd.DataFrame) -> pd.Series:
        # astype(str): an empty frame's map() comes back int64, which pandas 3 refuses to add to strings
        return (frame["case"].astype(str) + " " + frame["op"].astype(str) + " "
                + frame["size"].map(format_size).astype(str) + " " + frame["metric"].astype(str))

    out: list[str] = []
    bad = r[~r["valid"]]
    out += list(label(bad) + ": not a valid measurement: " + bad["invalid_reason"].astype(str))
    bad = r[r["valid"] & ~((r["value"] > 0) & np.isfinite(r["value"]))]
    out += list(label(bad) + ": value " + bad["value"].astype(str) + " is not a positive figure")
    names = r[["benchmark", "metric", "unit"]].drop_duplicates()
    out += [f"{b} {m} in {u}: {problem[1]}" for b, m, u in names.itertuples(index=False)
            if (problem := name_problem(b, m, u))]
    return out


def from_results(results: pd.DataFrame, source: str, skip_invalid: bool = False) -> dict[str, list[dict]]:
    """Results rows of a healthy run -> {benchmark: [entry, ...]}: the median per key, default tolerances.

    Raises BaselineError naming the refused rows unless ``skip_invalid``, which leaves them out.
    """
    from bringup.bench.judge import normalize_results

    r = normalize_results(results)
    refused = _refusals(r)
    if refused and not skip_invalid:
        shown = refused[:20] + ([f"... and {len(refused) - 20} more"] if len(refused) > 20 else [])
        raise BaselineError("refusing to make baselines from rows that are not valid measurements:\n  "
                            + "\n  ".join(shown) + "\n(--skip-invalid leaves them out)")
    if refused:
        known = np.array([name_problem(*k) is None for k in zip(r["benchmark"], r["metric"], r["unit"])], dtype=bool)
        r = r[r["valid"].to_numpy() & (r["value"] > 0).to_numpy() & np.isfinite(r["value"]).to_numpy() & known]
        for line in refused:
            print(f"bringup baseline generate: left out {line}", file=sys.stderr)
    units = r.groupby(KEY, sort=True)["unit"].nunique()
    if (units > 1).any():
        raise BaselineError(f"results give {dict(zip(KEY, units[units > 1].index[0]))} in more than one unit")
    median = r.groupby(KEY + ["unit"], sort=True, as_index=False)["value"].median()
    out: dict[str, list[dict]] = {}
    for row in median.itertuples(index=False):
        tolerances = DEFAULT_TOLERANCES["lower" if row.metric in LOWER_IS_BETTER else "higher"]
        out.setdefault(row.benchmark, []).append({
            "benchmark": row.benchmark, "op": row.op, "size": format_size(int(row.size), sep=""),
            "nodes": int(row.nodes), "gpus_per_node": int(row.gpus_per_node), "algo": row.algo,
            "buffer": row.buffer, "metric": row.metric, "value": float(f"{row.value:.6g}"), "unit": row.unit,
            **tolerances, "source": source,
        })
    return out


def dump(profile: str, entries: list[dict], header: str) -> str:
    body = yaml.safe_dump({"profile": profile, "baselines": entries}, sort_keys=False, allow_unicode=True)
    return "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + body


def write_generated(root: Path, profile: str, per_benchmark: dict[str, list[dict]], header: str,
                    force: bool = False) -> list[Path]:
    """Write ``root/<profile>/<benchmark>.yaml``; refuses to replace a file unless ``force``; reads each back."""
    folder = Path(root) / check_profile_name(profile)
    targets = {bench: folder / f"{bench}.yaml" for bench in per_benchmark}
    existing = [display_path(p) for p in targets.values() if p.exists()]
    if existing and not force:
        raise BaselineError(f"{', '.join(existing)} already exist{'s' * (len(existing) == 1)} (--force replaces)")
    folder.mkdir(parents=True, exist_ok=True)
    for bench, path in targets.items():
        path.write_text(dump(profile, per_benchmark[bench], header), encoding="utf-8")
        load_file(path)  # what we write must be what we accept
    return list(targets.values())


def _run_id(run_dir: Path) -> str:
    try:
        return str(json.loads((run_dir / "meta.json").read_text())["run_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return run_dir.resolve().name


def _generate(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir)
    csv = run_dir / "bench" / "results.csv"
    if not csv.is_file():
        print(f"bringup baseline generate: {csv} not found (is {run_dir} a benchmark run directory?)",
              file=sys.stderr)
        return 2
    try:
        check_profile_name(args.profile)
        results = pd.read_csv(csv, keep_default_na=False, na_values=[""])
        today = dt.datetime.now(dt.timezone.utc).date().isoformat()
        source = f"generated from run {_run_id(run_dir)} on {today}"
        entries = from_results(results, source, skip_invalid=args.skip_invalid)
        if not entries:
            raise BaselineError("no result rows to make baselines from")
        header = (f"Generated by `bringup baseline generate {run_dir} --profile {args.profile}` from {csv}:\n"
                  "the median of each key's figures. Default tolerances (bringup/bench/cli.py DEFAULT_TOLERANCES):\n"
                  "bandwidths lower 0.05 / warn 0.03, latencies upper 0.10 / warn 0.05. Review before committing.")
        written = write_generated(Path(args.out), args.profile, entries, header, force=args.force)
    except (BaselineError, ValueError, pd.errors.ParserError) as exc:
        print(f"bringup baseline generate: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {display_path(path)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        print(f"bringup baseline check: {path}: no such file or folder", file=sys.stderr)
        return 2
    try:
        if path.is_file():
            frames, files = [load_file(path)], 1
        else:
            folders = profile_folders(path)
            if not folders:
                raise BaselineError(f"{display_path(path)}: no baseline files or profile folders")
            frames, errors, files = [], [], 0
            for folder in folders:
                files += len(yaml_files(folder))
                try:
                    frames.append(load_dir(folder))
                except BaselineError as exc:
                    errors.append(str(exc))
            if errors:
                raise BaselineError("\n".join(errors))
    except BaselineError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"ok: {sum(len(f) for f in frames)} baselines in {files} file{'s' * (files != 1)}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("baseline", help="benchmark baselines: generate from a run, check files")
    sub = p.add_subparsers(dest="baseline_command", required=True)
    g = sub.add_parser("generate", help="write baselines/<profile>/<benchmark>.yaml from a healthy run")
    g.add_argument("run_dir", help="run directory holding bench/results.csv")
    g.add_argument("--profile", required=True, help="hardware profile (the inventory's bringup_profile)")
    g.add_argument("--out", default="baselines", help="baselines root (default: ./baselines)")
    g.add_argument("--force", action="store_true", help="replace existing files")
    g.add_argument("--skip-invalid", action="store_true", help="leave invalid rows out instead of refusing")
    g.set_defaults(func=_generate)
    c = sub.add_parser("check", help="validate baseline files; print every file:line problem")
    c.add_argument("path", help="a baseline file, a profile folder, or a root of profile folders")
    c.set_defaults(func=_check)
