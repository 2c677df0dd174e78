"""OSU micro-benchmarks 5.x-7.x (``osu_latency``, ``osu_bw``, ``osu_bibw``, ``osu_mbw_mr``, the one-sided
``osu_get_latency``/``osu_put_bw``/..., the collectives ``osu_allreduce`` ...). Example (OMB 7.2, ``osu_bw -d cuda
D D``; EESSI/software-layer#716, abridged)::

    # OSU MPI-CUDA Bandwidth Test v7.2
    # Send Buffer on DEVICE (D) and Receive Buffer on DEVICE (D)
    # Size      Bandwidth (MB/s)
    # Datatype: MPI_CHAR.
    1                       1.01
    33554432            93130.52

The header (``# OSU MPI[-CUDA|-ROCM|-OPENACC] <name> Test v<version>``; one-sided ``# OSU MPI_Put-CUDA Latency
Test``) comes first; ``# Datatype:`` (absent before 7.0, before or after the column line), buffer placement
(``# Send Buffer on DEVICE (D) and Receive Buffer on HOST (H)``; one-sided: ``# Rank 0 Memory on ... and Rank 1
Memory on ...``),
``# Window creation:``/``# Synchronization:``, ``# [ pairs: 48 ] [ window size: 64 ]`` follow, then the column
line, split on runs of two or more blanks: ``Size  Latency (us)``, ``Size  Bandwidth (MB/s)``, ``Size  MB/s
Messages/s``, ``Size  Avg Latency(us)  Min Latency(us)  Max Latency(us)  Iterations`` (``-f``), with
``Validation`` (``-c``: ``Pass``/``Fail``) and tail percentiles (``P99 Tail Lat(us)``, kept in ``extra``)
last; ``osu_barrier`` has no Size column (size 0). Launcher warnings and blank lines before the header and
lines between rows are skipped; ``srun -l``/``mpirun --tag-output`` prefixes and CRLF are tolerated.

OSU prints no closing line, so completeness is judged from what can be seen: the unterminated last line of a
cut text is dropped (never read as a shorter value) and makes the report incomplete, as do a crash after the
table (``Caught signal``, ``backtrace``, mpirun/srun errors) and, when the caller says which ``max_size`` it
ran to (``-m``), a table that stops below it. Incomplete reports raise :class:`ParseError` quoting the cause
unless ``partial=True`` (then ``complete=False`` and ``cause`` say so; bench/rows.py marks the rows invalid).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError

TOOL = "osu"

_PREFIX = re.compile(r"^\s*(?:\d+: |\[\d+,\d+\]<std(?:out|err)>: ?)")
_HEADER = re.compile(r"^# OSU (?P<api>MPI|OpenSHMEM|UPC\+\+|UPC|NCCL)(?:-(?P<accel>[A-Z]+))?[ _](?P<name>.+?) "
                     r"Test(?: v(?P<version>\S+))?\s*$")
_NAME_ACCEL = re.compile(r"-(CUDA|ROCM|OPENACC|SYCL)\b")
_BUFFERS = re.compile(r"^# (?:Send Buffer|Rank 0 Memory) on (?P<a>DEVICE|HOST|MANAGED)[^a]*and "
                      r"(?:Receive Buffer|Rank 1 Memory) on (?P<b>DEVICE|HOST|MANAGED)")
_PAIRS = re.compile(r"^# \[ pairs: (?P<pairs>\d+) \] \[ window size: (?P<window>\d+) \]")
_SETTING = re.compile(r"^# (?P<key>Datatype|Window creation|Synchronization): (?P<value>.+?)\.?\s*$")
# the column line of benchmarks without a size column (osu_barrier, osu_ibarrier): print_only_header, show_size 0
_SIZELESS = re.compile(r"^#\s+(?:Avg Latency\(us\)|Latency \(us\)|Bandwidth \(MB/s\)|MB/s|Overall\(us\))")
_NUM = re.compile(r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?")
_CRASH = re.compile(r"Caught signal|==== backtrace|mpirun noticed that process|srun: error:|Segmentation fault|"
                    r"BAD TERMINATION|MPI_ABORT was invoked|Primary job\s+terminated|exited on signal")
# column names as OSU prints them -> our field names
_COLUMNS = {
    "Latency (us)": "latency_us", "Avg Latency(us)": "latency_us", "Latency(us)": "latency_us",
    "Min Latency(us)": "min_latency_us", "Max Latency(us)": "max_latency_us", "Iterations": "iterations",
    "Bandwidth (MB/s)": "bandwidth_mbs", "MB/s": "bandwidth_mbs", "Bandwidth(MB/s)": "bandwidth_mbs",
    "Messages/s": "message_rate", "Validation": "validation",
}
# benchmark names in the header -> the binary that prints them (pt2pt and one-sided; collectives below)
_BINARIES = {  # keys lower-cased: 5.x prints "MPI_Get latency", 7.x "MPI_Get Latency"
    "latency": "osu_latency", "bandwidth": "osu_bw", "bi-directional bandwidth": "osu_bibw",
    "multiple bandwidth / message rate": "osu_mbw_mr", "multi latency": "osu_multi_lat",
    "get latency": "osu_get_latency", "put latency": "osu_put_latency", "get bandwidth": "osu_get_bw",
    "put bandwidth": "osu_put_bw", "put bi-directional bandwidth": "osu_put_bibw",
    "accumulate latency": "osu_acc_latency", "get_accumulate latency": "osu_get_acc_latency",
}
_BUFFER = {"DEVICE": "device", "HOST": "host", "MANAGED": "managed"}


@dataclass(frozen=True)
class Row:
    size: int
    latency_us: float | None = None  # "Latency (us)" / "Avg Latency(us)"
    min_latency_us: float | None = None  # -f (full) collectives
    max_latency_us: float | None = None
    iterations: int | None = None
    bandwidth_mbs: float | None = None  # MB/s, 1e6 B/s (osu_util: size / 1e6 / time)
    message_rate: float | None = None  # osu_mbw_mr
    validation: str | None = None  # "Pass" / "Fail" with -c
    extra: tuple[tuple[str, float], ...] = ()  # columns we don't name (newer releases' percentiles)


@dataclass
class Report:
    benchmark: str  # "Bandwidth", "Allreduce Latency", "Get Bandwidth", ...
    api: str = "MPI"
    accel: str | None = None  # "CUDA", "ROCM", "OPENACC" from "MPI-CUDA"
    version: str | None = None  # "7.2"
    datatype: str | None = None  # "MPI_CHAR" (7.x)
    buffers: tuple[str, str] | None = None  # ("device", "device") from the buffer line
    window_creation: str | None = None
    synchronization: str | None = None
    pairs: int | None = None
    window_size: int | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    complete: bool = True
    cause: str | None = None

    @property
    def op(self) -> str:
        """The binary: ``osu_bw``; collectives ``osu_<name>`` ("Allreduce Latency" -> ``osu_allreduce``)."""
        if self.benchmark.lower() in _BINARIES:
            return _BINARIES[self.benchmark.lower()]
        name = re.sub(r" (?:Latency|Bandwidth)$", "", self.benchmark, flags=re.I)
        return "osu_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")

    @property
    def buffer(self) -> str:
        """``host``, ``device``, ``host-device`` (send-receive), or "" when an accelerator build doesn't say."""
        if self.buffers:
            a, b = self.buffers
            return a if a == b else f"{a}-{b}"
        return "" if self.accel else "host"


def _strip_prefix(line: str) -> str:
    return _PREFIX.sub("", line, count=1) if line[:1] in " [0123456789" else line


def _row(fields: list[str], columns: list[str], number: int, line: str) -> Row:
    sized = columns[0] == "Size"  # osu_barrier and the like print no size column (size 0)
    names, tokens = (columns[1:], fields[1:]) if sized else (columns, fields)
    ok = len(fields) == len(columns) and (not sized or fields[0].isdigit())
    values: dict = {}
    extra = []
    if ok:
        for name, token in zip(names, tokens):
            key = _COLUMNS.get(name)
            if key == "validation":
                ok = ok and token in ("Pass", "Fail")
                values[key] = token
            elif not _NUM.fullmatch(token):
                ok = False
            elif key == "iterations":
                ok = ok and token.isdigit()
                values[key] = int(token) if token.isdecimal() else None
            elif key:
                values[key] = float(token)
            else:
                extra.append((name, float(token)))
    if not ok:
        raise ParseError(f"line {number}: not an OSU row of columns {columns}: {line.strip()[:160]!r}")
    return Row(int(fields[0]) if sized else 0, extra=tuple(extra), **values)


def parse(text: str, partial: bool = False, max_size: int | None = None) -> Report:
    """The report; ``max_size`` (the ``-m`` the run asked for) makes a table that stops short incomplete."""
    if "\x00" in text:
        raise ParseError("binary data (NUL bytes) in OSU output")
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = raw_lines.pop()  # "" when the text ends in a newline; otherwise a line cut mid-way
    report: Report | None = None
    causes: list[str] = []
    for number, raw in enumerate(raw_lines, start=1):
        s = _strip_prefix(raw).strip()
        if not s:
            continue
        if report is None:
            if (m := _HEADER.match(s)):
                # one-sided headers put the accelerator after the call: "OSU MPI_Put-CUDA Latency Test"
                name, accel = m["name"], m["accel"]
                if (a := _NAME_ACCEL.search(name)):
                    name, accel = name[:a.start()] + name[a.end():], a[1]
                report = Report(name, m["api"], accel, m["version"])
            continue
        if s[0] == "#":
            if (m := _HEADER.match(s)):
                raise ParseError(f"line {number}: a second OSU report ({s[:80]!r}) in one output; split them")
            if report.columns and not s.startswith("# Datatype"):
                continue
            if (m := _BUFFERS.match(s)):
                report.buffers = (_BUFFER[m["a"]], _BUFFER[m["b"]])
            elif (m := _PAIRS.match(s)):
                report.pairs, report.window_size = int(m["pairs"]), int(m["window"])
            elif (m := _SETTING.match(s)):
                key = {"Datatype": "datatype", "Window creation": "window_creation",
                       "Synchronization": "synchronization"}[m["key"]]
                setattr(report, key, m["value"])
            elif s[1:].split()[:1] == ["Size"] or _SIZELESS.match(s):
                report.columns = re.split(r"\s{2,}", s[1:].strip())
            continue
        if report.columns and s[0].isdigit():
            report.rows.append(_row(s.split(), report.columns, number, raw))
        elif _CRASH.search(s):
            causes.append(s)
            break  # what follows is the crash's backtrace, whose frame numbers would read as sizes
    if report is None:
        raise ParseError("no OSU header line (# OSU MPI ... Test vX): the benchmark never started")
    if not report.columns:
        raise ParseError(f"OSU {report.benchmark} report has no column line (# Size ...): "
                         f"{causes[0] if causes else 'output cut short?'}")
    if not report.rows:
        raise ParseError(f"OSU {report.benchmark} report has no result rows: "
                         f"{causes[0] if causes else 'the run stopped before its first size'}")
    if cut.strip():
        causes.insert(0, f"output cut mid-line: {cut.strip()[:80]!r}")
    if max_size is not None and report.rows[-1].size < max_size:
        causes.append(f"the table stops at {report.rows[-1].size} B, before the requested {max_size} B")
    if causes:
        report.complete, report.cause = False, "; ".join(causes[:3])
        if not partial:
            raise ParseError(f"OSU {report.benchmark} report incomplete: {report.cause}")
    return report
