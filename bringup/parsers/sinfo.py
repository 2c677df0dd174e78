"""``sinfo`` (Slurm) in its default, ``-N`` and ``-N -l`` forms, told apart by the header. Examples::

    PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST
    cpu          up 7-00:00:00      1  fail* f005
    debug*       up      10:00      2   idle e[001-002]

    Sun Jul 16 21:28:05 2017
    NODELIST   NODES PARTITION       STATE CPUS    S:C:T MEMORY TMP_DISK WEIGHT AVAIL_FE REASON
    b028           1    xeon8*        down    8    2:4:1  23900    32752      1 xeon5570 Node unexpectedly re

The formats are sinfo's built-in ones (man sinfo: default ``%#P %.5a %.10l %.6D %.6t %N``, ``--long --Node``
``%#N %.6D %#P %.11T %.4c %.8z %.6m %.8d %.6w %.8f %20E``): every column but the last is one word, so a row
splits on whitespace and the last column (NODELIST, REASON: "Not responding") keeps its spaces. ``-l`` prints
the time first. A ``*`` after the partition marks the default one; a state may carry sinfo's flag suffixes
(man sinfo, NODE STATE CODES): ``*`` not responding, ``~`` powered off, ``#`` powering up, ``%`` powering down,
``!`` pending power down, ``$`` maintenance reservation, ``@`` pending reboot, ``^`` reboot issued, ``-``
planned by the backfill scheduler. sinfo prints rows for every partition it shows, so a header without rows is
a cut output (or a filter that matched nothing): an error either way, never an empty cluster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "sinfo"

PARTITION_COLUMNS = ("PARTITION", "AVAIL", "TIMELIMIT", "NODES", "STATE", "NODELIST")
NODE_COLUMNS = ("NODELIST", "NODES", "PARTITION", "STATE")
NODE_LONG_COLUMNS = ("NODELIST", "NODES", "PARTITION", "STATE", "CPUS", "S:C:T", "MEMORY", "TMP_DISK", "WEIGHT",
                     "AVAIL_FE", "REASON")
FORMS = {PARTITION_COLUMNS: "partition", NODE_COLUMNS: "node", NODE_LONG_COLUMNS: "node-long"}
STATE_FLAGS = "*~#%!$@^-"

_TIME = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}$")
_PROMPT = re.compile(r"^\S*[$#] *sinfo\b")
_STATE = re.compile(r"^([a-z][a-z/+_]*?)([*~#%!$@^-]*)$")
_INT = re.compile(r"^[0-9]+$")
_SCT = re.compile(r"^[0-9]+:[0-9]+:[0-9]+$")


@dataclass(frozen=True)
class Row:
    """One output line: a partition's nodes in one state (default form) or one node in one partition (-N)."""

    partition: str
    default: bool  # the partition printed with "*"
    state: str  # without flags: "idle", "drng", "allocated", "down"
    flags: str  # sinfo's suffixes, e.g. "*" (not responding), "~" (powered off)
    nodes: int
    nodelist: str
    avail: str | None = None  # partition form
    timelimit: str | None = None  # partition form
    cpus: int | None = None  # -N -l
    sockets_cores_threads: str | None = None
    memory_mb: int | None = None
    tmp_disk_mb: int | None = None
    weight: int | None = None
    features: str | None = None  # AVAIL_FE, cut at 8 characters by sinfo
    reason: str | None = None  # REASON, cut at 20 characters by sinfo; "none" when there is none


@dataclass(frozen=True)
class Sinfo:
    form: str  # "partition" | "node" | "node-long"
    timestamp: str | None
    rows: tuple[Row, ...]


@whole_lines
def parse(text: str) -> Sinfo:
    timestamp: str | None = None
    columns: tuple[str, ...] | None = None
    rows: list[Row] = []
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line or _PROMPT.match(line):
            continue
        words = tuple(line.split())
        if words in FORMS:  # the header (printed again by `sinfo -i`: same columns, keep going)
            if columns is not None and words != columns:
                raise ParseError(f"line {number}: a second header of another form: {line[:120]!r}")
            columns = words
        elif columns is None and timestamp is None and _TIME.match(line):
            timestamp = line
        elif columns is None:
            raise ParseError(f"line {number} comes before the sinfo header (PARTITION AVAIL ... or NODELIST "
                             f"NODES ...): {line[:120]!r}")
        elif _TIME.match(line):
            timestamp = line  # `sinfo -i -l` repeats the time before each header
        else:
            rows.append(_row(columns, line, number))
    if columns is None:
        raise ParseError("no sinfo header line (PARTITION AVAIL TIMELIMIT ... or NODELIST NODES PARTITION ...)")
    if not rows:
        raise ParseError(f"sinfo header without rows (output truncated, or a filter matched nothing): "
                         f"{' '.join(columns)}")
    return Sinfo(FORMS[columns], timestamp, tuple(rows))


def _row(columns: tuple[str, ...], line: str, number: int) -> Row:
    fixed = len(columns) - 1
    words = line.split(None, fixed)
    # NODELIST is empty for a partition with 0 nodes ("debug up infinite 0 n/a").
    if len(words) == fixed and columns == PARTITION_COLUMNS and words[3] == "0":
        words.append("")
    if len(words) != len(columns):
        raise ParseError(f"line {number} has {len(words)} of the {len(columns)} columns "
                         f"{' '.join(columns)} (cut?): {line[:120]!r}")
    cell = dict(zip(columns, words))
    partition = cell["PARTITION"]
    state = _STATE.match(cell["STATE"])
    if not state:
        raise ParseError(f"line {number}: STATE {cell['STATE']!r} is not a sinfo node state")
    common = dict(partition=partition.rstrip("*"), default=partition.endswith("*"), state=state[1],
                  flags=state[2], nodes=_int(cell, "NODES", number), nodelist=cell.get("NODELIST", "").strip())
    if columns == PARTITION_COLUMNS:
        return Row(**common, avail=cell["AVAIL"], timelimit=cell["TIMELIMIT"])
    if columns == NODE_COLUMNS:
        return Row(**common)
    if not _SCT.match(cell["S:C:T"]):
        raise ParseError(f"line {number}: S:C:T {cell['S:C:T']!r} is not sockets:cores:threads")
    return Row(**common, cpus=_int(cell, "CPUS", number), sockets_cores_threads=cell["S:C:T"],
               memory_mb=_int(cell, "MEMORY", number), tmp_disk_mb=_int(cell, "TMP_DISK", number),
               weight=_int(cell, "WEIGHT", number), features=cell["AVAIL_FE"], reason=cell["REASON"].strip())


def _int(cell: dict[str, str], column: str, number: int) -> int:
    if not _INT.match(cell[column]):
        raise ParseError(f"line {number}: {column} {cell[column]!r} is not a whole number")
    return int(cell[column])
