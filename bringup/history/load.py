"""``load_history(reports_dir)``: every run under ``reports/`` as one pandas frame, one row per (run, metric).

The frame's columns are :data:`bringup.history.rows.COLUMNS` (plus ``run_dir``, ``item``, ``case``); strings
are pandas categoricals, ``started`` a UTC timestamp, ``value``/``size`` floats (NaN where there is none).

Reading 365 nights of JSON lines takes minutes, so the rows are cached in ``reports/.history/``:
``rows.arrow`` (an Arrow IPC file, memory-mapped on read, rows in start order, dictionary-encoded strings
with the narrowest codes) and ``index.json`` (per run folder: the size and mtime of meta.json, results.jsonl
and bench/*.csv, and its row count). Every load lists the run folders and stats those files, so a run added,
deleted, or still being written (its results.jsonl grows) is noticed and only that run is read again; a new
night is appended as one more chunk (:func:`_append`); an index or cache that does not match the table it
describes is rebuilt from the runs. A reports folder that cannot be written is loaded without a cache.
benchmarks/history_load.py measures it.

Unreadable runs (meta.json not JSON, a CSV that cannot be read) are skipped with one
:class:`HistoryWarning` naming the file; runs that never finished are included with their ``status``
("running" or "interrupted").
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

from bringup.history.rows import COLUMNS, EXTRA, STRINGS, UnreadableRun, run_rows

CACHE_DIR = ".history"
CACHE_VERSION = 1
_WATCHED = ("meta.json", "results.jsonl", "bench/verdicts.csv", "bench/results.csv")


class HistoryWarning(UserWarning):
    pass


def run_folders(reports_dir: Path) -> list[Path]:
    """Run directories: folders with a meta.json (not ``latest``, not hidden)."""
    try:
        entries = list(os.scandir(reports_dir))
    except FileNotFoundError:
        return []
    return sorted(Path(e.path) for e in entries
                  if not e.name.startswith(".") and e.name != "latest" and not e.is_symlink()
                  and e.is_dir() and os.path.exists(os.path.join(e.path, "meta.json")))


def signature(run: Path) -> list:
    sig = []
    for name in _WATCHED:
        try:
            st = os.stat(run / name)
            sig.append([st.st_size, st.st_mtime_ns])
        except OSError:
            sig.append(None)
    return sig


def _started(meta: dict[str, Any], run: Path) -> pd.Timestamp:
    try:
        return pd.Timestamp(float(meta["started"]), unit="s", tz="UTC")
    except (KeyError, TypeError, ValueError):
        return pd.Timestamp(os.stat(run / "meta.json").st_mtime, unit="s", tz="UTC")


_SCHEMA = pa.schema([(c, pa.dictionary(pa.int32(), pa.string())) if c in STRINGS else
                     (c, pa.timestamp("ns", tz="UTC")) if c == "started" else
                     (c, pa.int16()) if c == "layer" else (c, pa.float64())
                     for c in COLUMNS + EXTRA])


def _arrow(values, type_: pa.DataType) -> pa.Array:
    """A column part (a list, or an Arrow array from the JSON reader) as one Arrow array of ``type_``."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(type_) if isinstance(values, pa.Array) else pa.array(values, type=type_)


def _table(run: Path) -> pa.Table:
    meta, parts = run_rows(run)
    n = sum(len(part["key"]) for part in parts)
    run_level = {"run_id": str(meta.get("run_id") or run.name), "run_dir": run.name,
                 "status": str(meta.get("status") or ("finished" if meta.get("ended") else "running"))}
    started = _started(meta, run)
    arrays = []
    for field in _SCHEMA:
        if field.name == "started":
            arrays.append(pa.array([started.value] * n, type=field.type))
            continue
        if field.name in run_level:
            column = pa.array([run_level[field.name]] * n, type=pa.string())
        else:
            plain = pa.string() if field.name in STRINGS else field.type
            column = pa.concat_arrays([_arrow(p[field.name], plain) for p in parts])
        arrays.append(column.dictionary_encode() if field.name in STRINGS else column)
    return pa.Table.from_arrays(arrays, schema=_SCHEMA)


def _empty() -> pa.Table:
    return _SCHEMA.empty_table()


class _Cache:
    def __init__(self, reports_dir: Path):
        self.dir = reports_dir / CACHE_DIR
        self.table_path = self.dir / "rows.arrow"
        self.index_path = self.dir / "index.json"

    def read(self) -> tuple[dict[str, Any], pa.Table] | None:
        try:
            index = json.loads(self.index_path.read_text())
            if index.get("version") != CACHE_VERSION:
                return None
            table = feather.read_table(self.table_path, memory_map=True)
        except (OSError, ValueError, pa.ArrowException):
            return None
        if not _same_columns(table.schema) or table.num_rows != sum(r["rows"] for r in index["runs"].values()):
            return None  # not the table this index describes: never trusted
        return index, table

    def write(self, index: dict[str, Any], table: pa.Table) -> None:
        try:
            self.dir.mkdir(exist_ok=True)
            writers = ((self.table_path, lambda p: feather.write_feather(table, p, compression="uncompressed")),
                       (self.index_path, lambda p: Path(p).write_text(json.dumps(index))))
            for target, write in writers:
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
                os.close(fd)
                try:
                    write(tmp)
                    os.replace(tmp, target)
                except BaseException:
                    os.unlink(tmp)
                    raise
        except OSError:
            pass  # a read-only reports folder: history still loads, only uncached


def _same_columns(schema: pa.Schema) -> bool:
    """The cache's columns and value types (dictionary index widths vary: see :func:`_narrow`)."""
    if schema.names != _SCHEMA.names:
        return False
    return all(a.type == b.type or (pa.types.is_dictionary(a.type) and pa.types.is_dictionary(b.type)
                                    and a.type.value_type == b.type.value_type) for a, b in zip(schema, _SCHEMA))


def _index_width(table: pa.Table, narrow: bool) -> pa.Table:
    """Dictionary indices as int32 (to concatenate) or as the smallest type that holds them: most columns
    have a few dozen values, and int8 codes make the warm load's conversion to pandas a quarter of the
    memory traffic."""
    arrays = []
    for name in table.column_names:
        column = table[name]
        arr = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
        if pa.types.is_dictionary(arr.type):
            n = len(arr.dictionary)
            width = pa.int32() if not narrow or n >= 32767 else pa.int16() if n >= 127 else pa.int8()
            if arr.type.index_type != width:
                arr = pa.DictionaryArray.from_arrays(arr.indices.cast(width), arr.dictionary)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, names=table.column_names)


def _combine(tables: list[pa.Table]) -> pa.Table:
    """One table, one chunk per column, dictionaries unified, rows ordered by start (so loads never sort)."""
    tables = [t if t.schema == _SCHEMA else _index_width(t, narrow=False) for t in tables if t.num_rows]
    if not tables:
        return _empty()
    table = pa.concat_tables(tables).unify_dictionaries().combine_chunks()
    started = table["started"].cast(pa.int64()).to_numpy()
    if len(started) > 1 and (started[1:] < started[:-1]).any():
        table = table.take(pa.array(np.argsort(started, kind="stable")))
    return _index_width(table, narrow=True)


def load_table(reports_dir: Path) -> pa.Table:
    """The cached Arrow table of every run (brought up to date); :func:`load_history` is the pandas view."""
    reports_dir = Path(reports_dir)
    cache = _Cache(reports_dir)
    cached = cache.read()
    old_index, old_table = cached if cached else ({"runs": {}}, _empty())
    runs = {p.name: p for p in run_folders(reports_dir)}
    sigs = {name: signature(path) for name, path in runs.items()}
    old_runs = old_index["runs"]
    keep = [n for n in runs if n in old_runs and old_runs[n]["sig"] == sigs[n]]
    fresh = [n for n in runs if n not in keep]
    gone = [n for n in old_runs if n not in keep]
    index: dict[str, Any] = {"version": CACHE_VERSION, "runs": {n: old_runs[n] for n in keep}}
    for name in keep:
        if old_runs[name].get("warning"):
            warnings.warn(old_runs[name]["warning"], HistoryWarning, stacklevel=3)
    if not fresh and not gone and cached:
        return old_table
    table = old_table
    if gone and table.num_rows:
        mask = pc.is_in(table["run_dir"].cast(pa.string()), value_set=pa.array(gone, pa.string()))
        table = table.filter(pc.invert(mask))
    new_tables = []
    for name in fresh:
        entry: dict[str, Any] = {"sig": sigs[name], "rows": 0}
        try:
            t = _table(runs[name])
            entry["rows"] = t.num_rows
            new_tables.append(t)
        except UnreadableRun as exc:
            entry["warning"] = str(exc)
            warnings.warn(str(exc), HistoryWarning, stacklevel=3)
        index["runs"][name] = entry
    appended = _append(table, new_tables) if not gone and cached else None
    table = appended if appended is not None else _combine([table, *new_tables])
    cache.write(index, table)
    return table


MAX_CHUNKS = 16  # appended nights before the cache is compacted into one chunk per column


def _append(table: pa.Table, new_tables: list[pa.Table]) -> pa.Table | None:
    """The nightly case made cheap: runs that start after every cached run are added as one more chunk that
    shares the cached dictionaries (new values appended to them), so the year already cached is neither
    re-encoded nor copied, only written out again. None when that does not hold (a run from the past, a
    dictionary outgrowing its index type, too many chunks): the caller rebuilds."""
    new_tables = [t for t in new_tables if t.num_rows]
    if not new_tables:
        return table
    if not table.num_rows or table["run_id"].num_chunks >= MAX_CHUNKS:
        return None
    new = _combine(new_tables)
    if pc.min(new["started"]).value < pc.max(table["started"]).value:
        return None
    columns = []
    for name in table.column_names:
        old_chunks, added = table[name].chunks, new[name].chunk(0)
        if not pa.types.is_dictionary(added.type):
            columns.append(pa.chunked_array(old_chunks + [added.cast(old_chunks[0].type)]))
            continue
        known = old_chunks[0].dictionary
        values = added.dictionary.take(added.indices)
        missing = pc.unique(values.filter(pc.invert(pc.is_in(values, value_set=known))))
        dictionary = pa.concat_arrays([known, missing]) if len(missing) else known
        width = old_chunks[0].type.index_type
        if len(dictionary) > {pa.int8(): 127, pa.int16(): 32767}.get(width, 2**31 - 1):
            return None
        indices = pc.index_in(values, value_set=dictionary).cast(width)
        columns.append(pa.chunked_array([pa.DictionaryArray.from_arrays(c.indices, dictionary) for c in old_chunks]
                                        + [pa.DictionaryArray.from_arrays(indices, dictionary)]))
    return pa.Table.from_arrays(columns, schema=table.schema)


def load_history(reports_dir: Path, since: Any = None, last: int | None = None) -> pd.DataFrame:
    """Every run's checks and judged benchmark figures, one row per (run, metric), oldest run first.

    ``since``: a date/timestamp (UTC unless it says otherwise): runs started then or later. ``last``: only
    the N most recently started runs.
    """
    table = load_table(Path(reports_dir))

    if since is not None:
        ts = pd.Timestamp(since)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        table = table.filter(pc.greater_equal(table["started"], pa.scalar(ts.value, pa.timestamp("ns", tz="UTC"))))
    if last is not None:
        starts = sorted(set(pc.unique(table["started"].cast(pa.int64())).to_pylist()))
        if len(starts) > last:
            if last <= 0:
                table = table.slice(0, 0)
            else:
                cutoff = pa.scalar(starts[-last], pa.int64()).cast(pa.timestamp("ns", tz="UTC"))
                table = table.filter(pc.greater_equal(table["started"], cutoff))
    # split_blocks: no consolidation copy; the rows are already in start order (see _combine)
    return table.to_pandas(split_blocks=True)
