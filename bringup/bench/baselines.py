"""Baselines: ``baselines/<profile>/*.yaml`` -> one validated DataFrame (issue 10 item 4, bench_contract.md).

A file is a ``baselines:`` list (and optionally ``profile:``, which must name the folder it sits in)::

    profile: h100-cx7-400g
    baselines:
      - benchmark: nccl-tests        # catalogue benchmark name
        op: all_reduce
        size: 8GiB                   # int bytes, or "8GiB" / "4MiB" / "2B"
        nodes: 2
        gpus_per_node: 8
        algo: Ring                   # NCCL_ALGO, "" = NCCL's default
        buffer: ""                   # host | device | "" (nccl)
        metric: busbw
        value: 380
        unit: GB/s
        lower: 0.105                 # may be 10.5% below value (fraction); null = no lower limit
        upper: null                  # may be this fraction above; null = no upper limit
        warn: 0.053                  # band inside the fail band that warns instead of passing
        physical: 400                # optional ceiling in the same unit (line rate, NVLink)
        source: "layers.md §4 [S49][S51]"

Every error names ``file:line`` of the offending key (the YAML is composed, not just loaded, so each node
keeps its line) and all errors of a file are reported together.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, StrictFloat, StrictInt, StrictStr, ValidationError, field_validator

KEY = ["benchmark", "op", "size", "nodes", "gpus_per_node", "algo", "buffer", "metric"]
COLUMNS = KEY + ["value", "unit", "lower", "upper", "warn", "physical", "source", "file", "line"]

_GB = {"GB/s"}  # nccl-tests prints algbw/busbw in decimal GB/s (1e9 B/s)
# Which metrics each benchmark produces and the units each metric may be stated in (bench_contract.md): a
# property of each tool's output. Which benchmarks exist is the catalogue's business (known_benchmarks()).
METRIC_UNITS: dict[str, dict[str, set[str]]] = {
    "nccl-tests": {"busbw": _GB, "algbw": _GB, "busbw_inplace": _GB, "algbw_inplace": _GB},
    "osu": {"bandwidth": {"MB/s"}, "latency": {"us"}},          # OSU prints MB/s (1e6 B/s) and us
    "perftest": {"bandwidth": {"Gb/s"}, "latency": {"us"}},     # ib_*_bw --report_gbits; ib_*_lat usec
    "iperf3": {"bandwidth": {"Gb/s"}},                          # bits_per_second scaled to Gb/s
    "netpipe": {"bandwidth": {"Gb/s"}, "latency": {"us"}},      # rows.py converts NPmpi's Mbps to Gb/s
}
CONTRACT_BENCHMARKS: tuple[str, ...] = tuple(METRIC_UNITS)  # bench_contract.md's list


def known_benchmarks() -> tuple[str, ...]:
    """The tools bringup/bench/catalogue.yml runs; the contract's list where there is no catalogue module."""
    try:
        from bringup.bench import catalogue
    except ImportError:
        return CONTRACT_BENCHMARKS
    return tuple(sorted({case.tool for case in catalogue.default().benchmarks}))


LOWER_IS_BETTER = {"latency"}  # a latency fails for rising above its baseline; everything else for falling

_SIZE = re.compile(r"^\s*(\d+)\s*(B|KiB|MiB|GiB|TiB)\s*$")
_SIZE_FACTORS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}


class BaselineError(ValueError):
    """A baseline file is wrong; the message holds one ``file:line: what`` line per problem."""


def parse_size(value: Any) -> int:
    """``8589934592``, ``"8GiB"``, ``"4MiB"``, ``"2B"`` -> bytes. Decimal "8GB"/"8G" are refused: ambiguous."""
    if isinstance(value, bool):
        raise ValueError(f"size {value!r} is not a size")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"size {value} is negative")
        return value
    if isinstance(value, str):
        match = _SIZE.match(value)
        if match:
            return int(match.group(1)) * _SIZE_FACTORS[match.group(2)]
    raise ValueError(f"size {value!r} is not bytes or a binary size like 8GiB, 4MiB, 64KiB, 2B")


def format_size(size: int, sep: str = " ") -> str:
    """8589934592 -> "8 GiB"; 1000 -> "1000 B" (the largest binary unit that divides exactly)."""
    for unit in ("TiB", "GiB", "MiB", "KiB"):
        factor = _SIZE_FACTORS[unit]
        if size >= factor and size % factor == 0:
            return f"{size // factor}{sep}{unit}"
    return f"{size}{sep}B"


class Entry(BaseModel):
    """One baseline; types only. Cross-field sense (units, bands) is :func:`_sense`."""

    model_config = ConfigDict(extra="forbid")

    benchmark: StrictStr
    op: StrictStr
    size: int
    nodes: StrictInt
    gpus_per_node: StrictInt
    algo: StrictStr = ""
    buffer: Literal["", "host", "device"] = ""
    metric: StrictStr
    value: StrictFloat | StrictInt
    unit: StrictStr
    lower: StrictFloat | StrictInt | None = None
    upper: StrictFloat | StrictInt | None = None
    warn: StrictFloat | StrictInt | None = None
    physical: StrictFloat | StrictInt | None = None
    source: StrictStr

    @field_validator("size", mode="before")
    @classmethod
    def _size(cls, v: Any) -> int:
        return parse_size(v)

    @field_validator("algo", "buffer", mode="before")
    @classmethod
    def _default_empty(cls, v: Any) -> Any:
        return "" if v is None else v  # `algo:` with nothing after it means NCCL's default


def name_problem(benchmark: str, metric: str, unit: str) -> tuple[str, str] | None:
    """(field, problem) when the benchmark, its metric or the metric's unit is not one we know."""
    known = known_benchmarks()
    if benchmark not in known:
        return "benchmark", f"unknown benchmark {benchmark!r} (known: {', '.join(known)})"
    metrics = METRIC_UNITS.get(benchmark, {})
    if metric not in metrics:
        return "metric", f"{benchmark} has no metric {metric!r} (known: {', '.join(metrics)})"
    if unit not in metrics[metric]:
        return "unit", f"{benchmark} {metric} is measured in {' or '.join(sorted(metrics[metric]))}, not {unit!r}"
    return None


def _sense(e: Entry) -> list[tuple[str, str]]:
    """(field, problem) for what types cannot say: known names and units, bands that can fail and nest."""
    problems: list[tuple[str, str]] = []
    named = name_problem(e.benchmark, e.metric, e.unit)
    if named:
        problems.append(named)
    for name in ("op", "source"):
        if not getattr(e, name).strip():
            problems.append((name, f"{name} is empty"))
    if e.nodes < 1:
        problems.append(("nodes", f"nodes {e.nodes} must be >= 1"))
    if e.gpus_per_node < 0:
        problems.append(("gpus_per_node", f"gpus_per_node {e.gpus_per_node} must be >= 0"))
    if not (math.isfinite(e.value) and e.value > 0):
        problems.append(("value", f"value {e.value} must be a positive number"))
    if e.physical is not None and e.physical < e.value:
        problems.append(("physical", f"physical ceiling {e.physical} {e.unit} is below the baseline value {e.value}"))
    for name in ("lower", "upper", "warn"):
        tol = getattr(e, name)
        if tol is not None and not (math.isfinite(tol) and tol >= 0):
            problems.append((name, f"{name} {tol} is negative: tolerances are fractions >= 0 (0.05 = 5%)"))
    if e.lower is not None and e.lower >= 1:
        problems.append(("lower", f"lower {e.lower} allows 100% or more below value: the check could never fail"))
    # The side a slow system falls to must have a limit, or the check could never fail for being slow.
    if e.metric in LOWER_IS_BETTER and e.upper is None:
        problems.append(("upper", f"{e.metric} needs an upper limit: without one the check could never fail"))
    elif e.metric not in LOWER_IS_BETTER and e.lower is None:
        problems.append(("lower", f"{e.metric} needs a lower limit: without one the check could never fail"))
    if e.warn:
        for name in ("lower", "upper"):
            band = getattr(e, name)
            if band is not None and e.warn >= band:
                problems.append(("warn", f"warn {e.warn} is not inside the fail band ({name} {band})"))
    return problems


# --- YAML with line numbers -------------------------------------------------------------------------------

def _mapping(node: yaml.Node, where: str, errors: list[str]) -> dict[str, tuple[yaml.Node, int]]:
    """A mapping node -> {key: (value node, key line)}; duplicate keys are errors (PyYAML keeps the last)."""
    out: dict[str, tuple[yaml.Node, int]] = {}
    for key_node, value_node in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if key in out:
            errors.append(f"{where}:{line}: duplicate key {key!r} (first at line {out[key][1]})")
            continue
        out[key] = (value_node, line)
    return out


def _plain(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_object(node, deep=True)


def display_path(path: Path) -> str:
    """The path as the user will look for it: relative to the working directory when it lies under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_file(path: Path, profile: str | None = None) -> pd.DataFrame:
    """One baselines file -> DataFrame (COLUMNS). ``profile`` defaults to the name of the folder it sits in."""
    path = Path(path)
    where = display_path(path)
    profile = path.parent.name if profile is None else profile
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{where}: cannot read: {exc}") from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        errors: list[str] = []
        records = _records(loader, root, where, profile, errors)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise BaselineError(f"{where}{line}: not valid YAML: {exc.problem or exc}") from None
    finally:
        loader.dispose()
    if errors:
        raise BaselineError("\n".join(errors))
    return pd.DataFrame.from_records(records, columns=COLUMNS).astype(_DTYPES)


def _records(loader, root, where: str, profile: str, errors: list[str]) -> list[dict[str, Any]]:
    if not isinstance(root, yaml.MappingNode):
        line = f":{root.start_mark.line + 1}" if root is not None else ""
        errors.append(f"{where}{line}: expected a mapping with a `baselines:` list")
        return []
    top = _mapping(root, where, errors)
    for key, (_, line) in top.items():
        if key not in ("baselines", "profile"):
            errors.append(f"{where}:{line}: unknown top-level key {key!r} (known: baselines, profile)")
    if "profile" in top:
        node, line = top["profile"]
        declared = _plain(loader, node)
        if declared != profile:
            errors.append(f"{where}:{line}: profile {declared!r} does not match the folder it is in ({profile!r})")
    if "baselines" not in top:
        errors.append(f"{where}:{root.start_mark.line + 1}: no `baselines:` list")
        return []
    node, line = top["baselines"]
    if not isinstance(node, yaml.SequenceNode):
        errors.append(f"{where}:{line}: `baselines` must be a list of entries")
        return []
    records = []
    for item in node.value:
        record = _entry(loader, item, where, errors)
        if record is not None:
            records.append(record)
    return records


def _entry(loader, item: yaml.Node, where: str, errors: list[str]) -> dict[str, Any] | None:
    line = item.start_mark.line + 1
    if not isinstance(item, yaml.MappingNode):
        errors.append(f"{where}:{line}: a baseline entry must be a mapping")
        return None
    fields = _mapping(item, where, errors)
    raw = {key: _plain(loader, node) for key, (node, _) in fields.items()}

    def at(name: str) -> int:
        return fields[name][1] if name in fields else line

    try:
        entry = Entry.model_validate(raw)
    except ValidationError as exc:
        missing = [str(err["loc"][0]) for err in exc.errors() if err["type"] == "missing"]
        if missing:
            errors.append(f"{where}:{line}: missing key{'s' * (len(missing) > 1)} {', '.join(missing)}")
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {name!r} (known: {', '.join(Entry.model_fields)})"
            elif err["type"] == "value_error":
                msg = f"{name}: {err['msg'].removeprefix('Value error, ')}"
            elif err["type"] != "missing":
                msg = f"{name}: {err['msg']} (got {err.get('input')!r})"
            else:
                continue
            errors.append(f"{where}:{at(name)}: {msg}")
        return None
    problems = _sense(entry)
    errors.extend(f"{where}:{at(name)}: {msg}" for name, msg in problems)
    return None if problems else {**entry.model_dump(), "file": where, "line": line}


_DTYPES = {"size": "int64", "nodes": "int64", "gpus_per_node": "int64", "line": "int64", "value": "float64",
           "lower": "float64", "upper": "float64", "warn": "float64", "physical": "float64"}


def _no_duplicates(frame: pd.DataFrame) -> None:
    dup = frame[frame.duplicated(KEY, keep=False)]
    if dup.empty:
        return
    lines = []
    for _, group in dup.groupby(KEY, sort=False):
        first, *rest = [f"{f}:{n}" for f, n in zip(group["file"], group["line"])]
        lines.extend(f"{other}: duplicate baseline (same key as {first})" for other in rest)
    raise BaselineError("\n".join(lines))


def yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_dir(folder: Path) -> pd.DataFrame:
    """Every ``*.yaml`` of one profile folder; errors of all files together; a key defined twice is an error."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BaselineError(f"{display_path(folder)}: no such baselines folder")
    files = yaml_files(folder)
    if not files:
        raise BaselineError(f"{display_path(folder)}: no *.yaml baseline files")
    frames, errors = [], []
    for path in files:
        try:
            frames.append(load_file(path))
        except BaselineError as exc:
            errors.append(str(exc))
    if errors:
        raise BaselineError("\n".join(errors))
    frame = pd.concat(frames, ignore_index=True)
    _no_duplicates(frame)
    return frame


def load_profile(root: Path, profile: str) -> pd.DataFrame:
    """``root/<profile>/*.yaml``; an unknown profile names the ones that exist."""
    root = Path(root)
    if not (root / profile).is_dir():
        known = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        raise BaselineError(f"{display_path(root)}: no baselines for profile {profile!r}"
                            f" (profiles there: {', '.join(known) or 'none'})")
    return load_dir(root / profile)


def profile_folders(path: Path) -> list[Path]:
    """``bringup baseline check DIR``: a profile folder itself, or a root holding profile folders."""
    path = Path(path)
    if yaml_files(path):
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
