"""nccl-tests (``all_reduce_perf``, ``all_gather_perf``, ... ``hypercube_perf``): the run header, the rank table,
the result table and its footer, as text or as the ``-J FILE`` JSON. Example (nccl-tests 2.20.0 on two DGX
Spark, NVIDIA/dgx-spark-playbooks#103; abridged)::

    # nccl-tests version 2.20.0 (b4d5bee) nccl-headers=23102 nccl-library=23102
    # Collective test starting: all_reduce_perf
    # nThread 1 nGpus 1 minBytes 8192 maxBytes 8589934592 step: 2(factor) warmup iters: 10 iters: 100 agg ...
    #
    # Using devices
    #  Rank  0 Group  0 Pid 1666603 on spark-d708 device  0 [000f:01:00] NVIDIA GB10
    #  Rank  1 Group  0 Pid 1669515 on spark-dbf4 device  0 [000f:01:00] NVIDIA GB10
    #
    #                                                              out-of-place                       in-place
    #       size         count      type   redop    root     time   algbw   busbw  #wrong     time   algbw   busbw  #wrong
    #        (B)    (elements)                               (us)  (GB/s)  (GB/s)             (us)  (GB/s)  (GB/s)
            8192          2048     float     sum      -1    35.15    0.23    0.23       0    30.33    0.27    0.27       0

and a whole run ends ``# Out of bounds values : 0 OK``, ``# Avg bus bandwidth    : 745.53``, ``#`` (src/util.cu
``writeResultFooter``; current releases add ``# Collective test concluded: all_reduce_perf``).

Layouts (src/common.cu, later src/util.cu of NVIDIA/nccl-tests): the oldest have no ``root`` column, and until
``#wrong`` replaced it the fourth figure of each half is ``error``, the maximum relative error (``%5.0le``:
``1e-07``), not a count (read with or without ``root``); the rank lines read ``#   Rank  0 Pid 1320 on host device  0 [0x00] GPU``; later ``Group`` and ``[0000:19:00]``
join them. ``#wrong`` is printed ``%6g``, so a million wrong elements reads ``1.04858e+06`` (kept as printed,
a float). ``N/A`` means "not checked" (``-c 0``, sendrecv in some releases). A process whose device lines
overflow nccl-tests' 2048-byte buffer ends them with ``...`` (elided, not an error). ``srun -l`` (``0: ``,
right-aligned) and ``mpirun --tag-output`` (``[1,0]<stdout>:``) prefixes, NCCL INFO/WARN lines and other
programs' lines between table rows are tolerated; CRLF too. nccl-tests prints a row in three ``printf`` calls
(the size columns, then each half after its collective ran) and NCCL logs to the same stdout, so with
``NCCL_DEBUG=INFO`` a log line can land inside a row: glued to a fragment (``... sum  -1node01:4100:4190 [0]
NCCL INFO ...``) or after a size-columns-only line; the fragments are joined back into the row and the log
lines read as logs. A row whose fragments never complete is an error, not a shorter row.

Loud on damage: a row whose columns don't fit the header is a :class:`ParseError` naming the line. The last
line of a text that doesn't end in a newline was cut mid-way: it is dropped (never read as a shorter value)
and the result is incomplete. A run is complete only with its ``Out of bounds values`` and ``Avg bus
bandwidth`` lines; otherwise ``parse`` raises, quoting the cause when there is one (``Test NCCL failure ...``,
mpirun's ``There are not enough slots available``, an ``NCCL WARN``), unless the caller asks
``parse(text, partial=True)``: then the rows read so far come back with ``complete=False`` and ``cause``, for
a report that must show how far a killed benchmark got (bench/rows.py marks every such row invalid).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError, require_whole_last_line

TOOL = "nccl-tests"

# `srun -l` right-aligns the task id ("  7: "); Open MPI's --tag-output writes "[1,0]<stdout>:" (4.x) or
# "[1,0]<stdout>: " (5.x); captures quoted in logs often carry leading blanks before either.
_PREFIX = re.compile(r"^\s*(?:\d+: |\[\d+,\d+\]<std(?:out|err)>: ?)")
_VERSION = re.compile(r"^# nccl-tests version (?P<v>\S+)(?: \([0-9a-f]+\))? nccl-headers=(?P<h>\d+) "
                      r"nccl-library=(?P<l>\d+)")
_STARTING = re.compile(r"^# Collective test starting: (\S+)")
_HEADER = re.compile(
    r"nThread (?P<nthread>\d+)\s+nGpus (?P<ngpus>\d+)\s+minBytes (?P<min>\d+)\s+maxBytes (?P<max>\d+)\s+"
    r"step: (?P<step>\d+)\((?P<kind>factor|bytes)\)\s+warmup iters: (?P<warmup>\d+)\s+iters: (?P<iters>\d+)"
    r"(?:\s+agg iters: (?P<agg>\d+))?(?:\s+validation: (?P<val>\d+))?(?:\s+graph: (?P<graph>\d+))?"
    r"(?:\s+unalign: (?P<unalign>\d+))?")
# "#  Rank  0 Group  0 Pid 206828 on gpu-1-43 device  0 [0009:01:00] NVIDIA GH200 120GB" (2.10+),
# "#   Rank  0 Pid   1320 on ip-172-31-20-228 device  0 [0x00] Tesla V100-SXM2-16GB" (older)
_RANK = re.compile(r"^#\s+Rank\s+(?P<rank>\d+)(?:\s+Group\s+(?P<group>\d+))?\s+Pid\s+(?P<pid>\d+)\s+on\s+"
                   r"(?P<host>\S+)\s+device\s+(?P<dev>\d+)\s+\[(?P<bus>[0-9a-fA-Fx:]+)\]\s+(?P<gpu>\S.*?)\s*$")
_OOB = re.compile(r"^# Out of bounds values\s*: (?P<n>\d+) (?P<verdict>OK|FAILED)\s*$")
_AVG = re.compile(r"^# Avg bus bandwidth\s*: (?P<bw>\S+)(?: (?P<verdict>OK|FAILED))?\s*$")
_NUM = re.compile(r"[-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|inf|nan)")
_INT = re.compile(r"-?\d+")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# what a launcher or nccl-tests prints when the run dies (nccl-tests src/common.h TESTCHECK/NCCLCHECK, Open MPI)
_ABORT = re.compile(r"Test (?:NCCL |CUDA )?failure|There are not enough slots available|"
                    r"mpirun noticed that process|srun: error:|Segmentation fault|Bus error|Killed")
_WARN = re.compile(r"NCCL WARN (.*)$")
# An NCCL log line glued to the end of a row fragment: "... sum      -1node01:4100:4190 [0] NCCL INFO Channel ..."
# (the host name starts with a letter, which is where the fragment's last number ends).
_GLUED_LOG = re.compile(r"[A-Za-z][\w.-]*:\d+:\d+ \[\d+\] (?:\S+:\d+ )?NCCL (?:INFO|WARN)")


@dataclass(frozen=True)
class Header:
    nthread: int
    ngpus: int
    min_bytes: int
    max_bytes: int
    step: int
    step_kind: str  # "factor" (-f) or "bytes" (-i)
    warmup_iters: int
    iters: int
    agg_iters: int | None = None  # absent before ~2.10
    validation: int | None = None  # -c: 1 checks results (#wrong), 0 prints N/A
    graph: int | None = None
    unalign: int | None = None


@dataclass(frozen=True)
class Rank:
    rank: int
    group: int | None  # None on layouts before the Group column
    pid: int
    host: str
    device: int  # CUDA device ordinal on its host
    bus_id: str  # "0009:01:00" (2.10+), "0x19" (older: bus only)
    gpu: str  # "NVIDIA H100 80GB HBM3"


@dataclass(frozen=True)
class Measure:
    time_us: float
    algbw: float  # GB/s, 1e9 B/s as nccl-tests prints
    busbw: float
    wrong: float | None = None  # #wrong (printed %6g: may be rounded); None for N/A and the old layout
    error: float | None = None  # old layout's max relative error


@dataclass(frozen=True)
class Row:
    size: int
    count: int
    type: str
    redop: str
    root: int | None  # None on layouts without the column; -1 for collectives without a root
    out_of_place: Measure | None  # None where nccl-tests ran in-place only (blank out-of-place half)
    in_place: Measure


@dataclass
class Result:
    test: str | None = None  # "all_reduce_perf" from "# Collective test starting" / JSON args; None on old logs
    version: str | None = None  # nccl-tests version
    nccl_headers: int | None = None  # NCCL_VERSION_CODE nccl-tests was built against: 22902 = 2.29.2
    nccl_library: int | None = None  # the NCCL it ran with
    header: Header | None = None
    ranks: list[Rank] = field(default_factory=list)
    ranks_elided: bool = False  # some device lines ended in "..." (too many GPUs per process)
    layout: str = ""  # "wrong" (#wrong column), "error" (old max-error column), "json"
    rows: list[Row] = field(default_factory=list)
    out_of_bounds: int | None = None
    out_of_bounds_ok: bool | None = None
    avg_busbw: float | None = None
    avg_busbw_verdict: str | None = None  # "OK"/"FAILED" when -G/--check_avg_bw asked for one
    warnings: list[str] = field(default_factory=list)  # NCCL WARN messages
    complete: bool = False
    cause: str | None = None  # why it is not complete

    @property
    def op(self) -> str | None:
        """ "all_reduce" of "all_reduce_perf" (or "all_reduce_perf_mpi")."""
        if not self.test:
            return None
        return re.sub(r"_perf(?:_mpi)?$", "", self.test.rsplit("/", 1)[-1])


@dataclass
class _Table:
    has_root: bool
    per_iter: bool  # -R / per-iteration columns i_min i_max i_p99 i_cv% after each half
    timestamp: bool  # trailing "YYYY-mm-dd HH:MM:SS"
    layout: str

    @property
    def half(self) -> int:
        return 8 if self.per_iter else 4

    @property
    def lead(self) -> int:
        return 5 if self.has_root else 4


def _table_header(fields: list[str]) -> _Table | None:
    """The column-name line ("#  size  count  type  redop  root  time  algbw ..."), else None."""
    if fields[:3] != ["size", "count", "type"]:
        return None
    layout = "wrong" if "#wrong" in fields else "error" if "error" in fields else ""
    if not layout:
        raise ParseError(f"unknown nccl-tests table header: {' '.join(fields)[:120]!r}")
    return _Table("root" in fields, "i_min" in fields, fields[-1] == "timestamp", layout)


def _measure(tokens: list[str], table: _Table) -> Measure:
    time, algbw, busbw, check = tokens[:4]
    if check == "N/A":
        return Measure(float(time), float(algbw), float(busbw))
    if table.layout == "error":
        return Measure(float(time), float(algbw), float(busbw), error=float(check))
    return Measure(float(time), float(algbw), float(busbw), wrong=float(check))


def _row(fields: list[str], table: _Table, number: int, line: str) -> Row:
    lead, half = table.lead, table.half
    body = fields[lead:-2] if table.timestamp else fields[lead:]
    ok = (len(body) in (half, 2 * half) and _INT.fullmatch(fields[0]) and _INT.fullmatch(fields[1])
          and _WORD.fullmatch(fields[2]) and _WORD.fullmatch(fields[3])
          and (not table.has_root or _INT.fullmatch(fields[4]))
          and all(_NUM.fullmatch(t) or (i % half == 3 and t == "N/A") for i, t in enumerate(body)))
    if not ok:
        raise ParseError(f"line {number}: not a nccl-tests result row of this table "
                         f"({lead} + 2 x {half} columns): {line.strip()[:160]!r}")
    root = int(fields[4]) if table.has_root else None
    in_place = _measure(body[-half:], table)
    out_of_place = _measure(body[:half], table) if len(body) == 2 * half else None
    return Row(int(fields[0]), int(fields[1]), fields[2], fields[3], root, out_of_place, in_place)


def _strip_prefix(line: str) -> str:
    return _PREFIX.sub("", line, count=1) if line[:1] in " [0123456789" else line


def _hash_line(result: Result, s: str, fields: list[str], state: dict) -> None:
    if len(fields) > 2 and fields[1] == "Rank" and _INT.fullmatch(fields[2]):
        if s.endswith("..."):  # the last device line of a full 2048-byte buffer, cut by nccl-tests itself
            result.ranks_elided = True
        elif (m := _RANK.match(s)):
            result.ranks.append(Rank(int(m["rank"]), int(m["group"]) if m["group"] else None, int(m["pid"]),
                                     m["host"], int(m["dev"]), m["bus"], m["gpu"]))
        else:
            raise ParseError(f"line {state['number']}: unreadable nccl-tests device line: {s[:160]!r}")
        return
    table = _table_header(fields[1:]) if len(fields) > 3 else None
    if table is not None:
        state["table"] = table
        result.layout = table.layout
    elif (m := _OOB.match(s)):
        result.out_of_bounds, result.out_of_bounds_ok = int(m["n"]), m["verdict"] == "OK"
    elif (m := _AVG.match(s)):
        if not _NUM.fullmatch(m["bw"]):
            raise ParseError(f"Avg bus bandwidth is not a number: {s[:120]!r}")
        result.avg_busbw, result.avg_busbw_verdict = float(m["bw"]), m["verdict"]
    elif (m := _VERSION.match(s)):
        result.version, result.nccl_headers, result.nccl_library = m["v"], int(m["h"]), int(m["l"])
    elif (m := _STARTING.match(s)):
        result.test = m[1]
    elif "nThread" in s and (m := _HEADER.search(s)):
        g = m.groupdict()
        opt = {k: (int(g[k]) if g[k] is not None else None) for k in ("agg", "val", "graph", "unalign")}
        result.header = Header(int(g["nthread"]), int(g["ngpus"]), int(g["min"]), int(g["max"]), int(g["step"]),
                               g["kind"], int(g["warmup"]), int(g["iters"]), opt["agg"], opt["val"], opt["graph"],
                               opt["unalign"])


def _parse_text(text: str) -> Result:
    result = Result()
    state: dict = {"table": None}
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = raw_lines.pop()  # "" when the text ends in a newline; otherwise a line cut mid-way
    causes: list[str] = []
    pending, pending_at = "", 0  # the start of a result row that NCCL's own log lines split (module docstring)
    for number, raw in enumerate(raw_lines, start=1):
        s = _strip_prefix(raw).strip()
        if not s:
            continue
        table = state["table"]
        in_table = table is not None and result.out_of_bounds is None
        if in_table and "NCCL " in s and (m := _GLUED_LOG.search(s)) and m.start() > 0 and (
                pending or "0" <= s[0] <= "9"):
            pending, pending_at = f"{pending} {s[:m.start()]}".strip(), pending_at or number
            s = s[m.start():]  # the log line itself, handled below
        if s[0] == "#":
            if pending:
                raise ParseError(f"line {pending_at}: a result row split by NCCL log lines never completed: "
                                 f"{pending[:160]!r}")
            state["number"] = number
            _hash_line(result, s, s.split(), state)
            continue
        if in_table and "0" <= s[0] <= "9":
            at = pending_at or number
            s, pending, pending_at = f"{pending} {s}".strip(), "", 0
            fields = s.split()
            if _INT.fullmatch(fields[0]):
                if len(fields) == table.lead:  # the row's first columns alone: its figures follow a log line
                    pending, pending_at = s, at
                    continue
                try:
                    result.rows.append(_row(fields, table, at, s))
                except ParseError:
                    if not causes:
                        raise
                    # after the run failed: a backtrace frame ("0 0x7f..."), not a damaged row; the cause is quoted
                continue
        if "NCCL INFO" in s:
            continue
        if s == "...":  # nccl-tests' own elision of a full device-line buffer
            result.ranks_elided = True
            continue
        if "NCCL WARN" in s:
            result.warnings.append(_WARN.search(s)[1].strip())
        elif _ABORT.search(s):
            causes.append(s)
    result.complete = result.out_of_bounds is not None and result.avg_busbw is not None
    if not result.complete:
        if pending:
            causes.append(f"a result row split by NCCL log lines never completed: {pending[:80]!r}")
        if cut.strip():  # the unterminated last line was cut: dropped, never read as a shorter value
            causes.append(f"output cut mid-line: {cut.strip()[:80]!r}")
        result.cause = _cause(result, causes, state["table"] is not None)
    return result


def _cause(result: Result, causes: list[str], had_table: bool) -> str:
    quoted = "; ".join(dict.fromkeys(causes[:3]))
    warn = f" (NCCL WARN {result.warnings[0]})" if result.warnings else ""
    if quoted:
        return quoted + warn
    if result.warnings and not result.rows:
        return f"NCCL WARN {result.warnings[0]}"
    if not had_table:
        return "no nccl-tests result table (no '#  size  count  type ...' header line)"
    last = f"last size {result.rows[-1].size}" if result.rows else "no rows"
    return f"the table stops before its 'Out of bounds values' / 'Avg bus bandwidth' lines ({last})"


@jsonout.shape_checked("nccl-tests -J")
def _parse_json(text: str) -> Result:
    """nccl-tests ``-J FILE`` (src/util.cu, JSON_FILE_VERSION 2): config, devices, results, footers."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ParseError(f"nccl-tests JSON is not valid JSON (cut short?): {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise ParseError("nccl-tests JSON has no 'results' list")
    result = Result(layout="json")
    try:
        args = doc.get("args") or []
        result.test = str(args[0]).rsplit("/", 1)[-1] if args else None
        code = doc.get("nccl_version")
        result.nccl_library = int(code) if code is not None else None
        cfg = doc.get("config") or {}
        if cfg:
            step_kind = "factor" if "step_factor" in cfg else "bytes"
            result.header = Header(int(cfg["nthreads"]), int(cfg["ngpus"]), int(cfg["minimum_bytes"]),
                                   int(cfg["maximum_bytes"]), int(cfg.get("step_factor", cfg.get("step_bytes"))),
                                   step_kind, int(cfg["warmup_iters"]), int(cfg["iterations"]),
                                   _opt_int(cfg, "aggregated_iterations"), _opt_int(cfg, "validation"),
                                   _opt_int(cfg, "graph"))
            for d in cfg.get("devices") or []:
                result.ranks.append(Rank(int(d["rank"]), _opt_int(d, "group"), int(d["pid"]), str(d["hostname"]),
                                         int(d["device"]), str(d["device_hex"]), str(d["device_info"])))
        for i, r in enumerate(doc["results"]):
            in_place = _json_measure(r.get("in_place"), f"results[{i}].in_place")
            if in_place is None:
                raise ParseError(f"nccl-tests JSON results[{i}] has no in_place figures")
            root = str(r.get("root", "")).strip()
            result.rows.append(Row(int(r["size"]), int(r["count"]), str(r["type"]), str(r["redop"]),
                                   int(root) if root else None,
                                   _json_measure(r.get("out_of_place"), f"results[{i}].out_of_place"), in_place))
        if isinstance(doc.get("out_of_bounds"), dict):
            result.out_of_bounds = int(doc["out_of_bounds"]["count"])
            result.out_of_bounds_ok = str(doc["out_of_bounds"]["okay"]) == "true"
        if isinstance(doc.get("average_bus_bandwidth"), dict):
            avg = doc["average_bus_bandwidth"]
            result.avg_busbw = float(avg["bandwidth"])
            okay = str(avg.get("okay"))
            result.avg_busbw_verdict = {"true": "OK", "false": "FAILED"}.get(okay)
        result.warnings = [str(e) for e in doc.get("errors") or []]
    except (KeyError, TypeError, ValueError) as exc:
        raise ParseError(f"nccl-tests JSON: missing or malformed field {exc}") from None
    result.complete = result.out_of_bounds is not None and result.avg_busbw is not None
    if not result.complete:
        result.cause = "the JSON has no out_of_bounds / average_bus_bandwidth (the run stopped early)"
    return result


def _opt_int(d: dict, key: str) -> int | None:
    return int(d[key]) if d.get(key) is not None else None


def _json_measure(m, where: str) -> Measure | None:
    if m is None:
        return None
    if not isinstance(m, dict):
        raise ParseError(f"nccl-tests JSON {where} is not an object")
    wrong = m.get("nwrong")
    time = m["time"] if "time" in m else m["cpu_time"]
    return Measure(float(time), float(m["alg_bw"]), float(m["bus_bw"]), None if wrong is None else float(wrong))


def parse(text: str, partial: bool = False) -> Result:
    """The run; ``partial=True`` returns an incomplete table (``complete=False``) instead of raising."""
    if "\x00" in text:
        raise ParseError("binary data (NUL bytes) in nccl-tests output")
    result = _parse_json(text) if text.lstrip()[:1] == "{" else _parse_text(text)
    if not result.rows:
        raise ParseError(f"nccl-tests run has no result rows: {result.cause or 'empty table'}")
    if not result.complete and not partial:
        raise ParseError(f"nccl-tests run incomplete: {result.cause}")
    if not partial and result.layout != "json":
        require_whole_last_line(text)  # a line cut after the footer: the capture itself was cut
    return result
