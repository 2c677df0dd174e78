"""``ncclras`` (NCCL 2.24+) / ``rcclras`` status report: the text a RAS client gets from the RAS thread inside every
NCCL process (``STATUS`` on port 28028). Example (NCCL 2.26.2, pasted in NVIDIA/nccl issue 1911)::

    NCCL version 2.26.2 compiled with CUDA 12.6
    CUDA runtime version 12060, driver version 12060

    Job summary
    ===========

      Nodes  Processes         GPUs  Processes     GPUs
    (total)   per node  per process    (total)  (total)
          4          8            1         32       32

    Communicators... (0.00s)
    =============

    Group     Comms     Nodes     Ranks     Ranks     Ranks    Status  Errors
        #  in group  per comm  per node  per comm  in group
        0         1         4         8        32        32   RUNNING  MISMATCH

    Errors
    ======

    Warnings
    ========

    #0-0 (fa93daea854b060b) MISMATCH
      Communicator ranks have different AllGather operation counts
      30 ranks have launched up to operation 640
      2 ranks have launched up to operation 641
      Rank 12 -- GPU 4 managed by process 323032 on node 10.137.190.124

``rcclras`` prints the same report from RCCL's copy of that code (ROCm/rccl ``src/ras/client_support.cc``), whose
first lines read ``RCCL version 2.22.3 compiled with ROCm ...`` and ``HIP runtime version N, amdgpu driver
version M``; ``library`` says which. The format is NCCL's ``src/ras/client_support.cc`` (``rasClientRunInit``,
``rasClientRunComms``): when the processes disagree on their count per node or GPUs per process, the job summary
prints a distribution and a ``(total)`` line of three columns instead of five, and may name outlier nodes. Under
``Errors`` come the ``INCOMPLETE`` (job processes that sent no data), ``DEAD`` (processes unreachable over the
RAS network) and the per-communicator ``#group-index (hash) INCOMPLETE|ERROR`` blocks; under ``Warnings`` the
``TIMEOUT`` and ``MISMATCH`` blocks. A block's detail lines keep their text; the rank and process lines are also
read into ``Issue.ranks`` / ``Issue.processes``.

Noise before the ``NCCL version`` line is skipped. The report is sent in pieces as the RAS collective answers, so
a capture cut before its ``Warnings`` heading (the last one NCCL prints) is a ParseError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ncclras"

_VERSION = re.compile(r"^(NCCL|RCCL) version (\S+) compiled with (.+)$")
# NCCL: "CUDA runtime version 12060, driver version 12060"; RCCL: "HIP runtime version N, amdgpu driver version M"
_RUNTIME = re.compile(r"^(\w+) runtime version (-?\d+), (?:\w+ )?driver version (-?\d+)$")
_UNDERLINE = re.compile(r"^=+$")
_COMMUNICATORS = re.compile(r"^Communicators\.\.\. \((\d+(?:\.\d+)?)s\)$")
_TOTAL5 = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$")
_TOTAL3 = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)$")
_OUTLIER = re.compile(r"^\s*Node (\S+) running process(?:es)? ([\d,]+)$")
_STATUSES = ("NOCOMM", "INIT", "RUNNING", "FINALIZE", "ABORT")
_GROUP = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+(?:-\d+)?)\s+(\d+)\s+(\d+)\s+(" + "|".join(_STATUSES) +
                    r")\s+((?:OK|MISMATCH|ERROR|INCOMPLETE)(?:,(?:MISMATCH|ERROR|INCOMPLETE))*)$")
_GLOBAL_ISSUE = re.compile(r"^(INCOMPLETE|DEAD|TIMEOUT)$")
_COMM_ISSUE = re.compile(r"^#(\d+-\d+) \(([0-9a-f]{16})\) (INCOMPLETE|ERROR|MISMATCH)$")
_RANK = re.compile(r"^Rank (\d+) (?:(?:has|reported) .+ )?-- (?:GPU (\S+) managed by process (\d+) on node (\S+)|"
                   r"\[process information not found\])$")
_PROCESS = re.compile(r"^Process (\d+) on node (\S+) managing GPUs? (.+)$")
_SECTIONS = ("Job summary", "Communicators", "Errors", "Warnings")


@dataclass(frozen=True)
class Group:
    """A row of the communicators table: ``comms`` communicators of the same size, nodes, status and errors."""
    index: int
    comms: int
    nodes: int
    ranks_per_node: str  # "8", or "1-8" when the communicators differ
    ranks_per_comm: int
    ranks_in_group: int
    status: str
    errors: list[str]    # ["OK"] or e.g. ["INCOMPLETE", "MISMATCH"]


@dataclass(frozen=True)
class Rank:
    rank: int
    gpu: str | None
    pid: int | None
    node: str | None


@dataclass(frozen=True)
class Process:
    pid: int
    node: str
    gpus: str


@dataclass(frozen=True)
class Issue:
    kind: str               # INCOMPLETE, DEAD, TIMEOUT, ERROR, MISMATCH
    comm: str | None        # "0-0" (group-index) for a communicator's block, None for job-wide ones
    comm_hash: str | None
    details: list[str]
    ranks: list[Rank] = field(default_factory=list)
    processes: list[Process] = field(default_factory=list)


@dataclass(frozen=True)
class RasReport:
    library: str            # NCCL or RCCL
    version: str
    compiled_with: str      # "CUDA 12.6"
    runtime_version: int | None
    driver_version: int | None
    nodes: int
    processes: int
    gpus: int
    outlier_nodes: list[str]
    collection_s: float
    groups: list[Group]
    errors: list[Issue]
    warnings: list[Issue]
    no_communicators: bool | None = None  # "No communicator data collected!"


@whole_lines
def parse(text: str) -> RasReport:
    rows = [line.rstrip() for line in lines(text)]
    try:
        start = next(i for i, line in enumerate(rows) if _VERSION.match(line.strip()))
    except StopIteration:
        raise ParseError("not `ncclras` output: no 'NCCL version ... compiled with ...' line") from None
    version = _VERSION.match(rows[start].strip())
    runtime = None
    sections: dict[str, list[str]] = {}
    titles: list[str] = []
    communicators = None
    body: list[str] | None = None
    i = start + 1
    while i < len(rows):
        line = rows[i]
        if runtime is None and not titles and _RUNTIME.match(line.strip()):
            runtime = _RUNTIME.match(line.strip())
        elif i + 1 < len(rows) and line.strip() and _UNDERLINE.match(rows[i + 1].strip()):
            title = line.strip()
            match = _COMMUNICATORS.match(title)
            if match:
                communicators, title = match, "Communicators"
            expected = _SECTIONS[len(titles)] if len(titles) < len(_SECTIONS) else None
            if title != expected:
                raise ParseError(f"`ncclras` line {i + 1}: section {title!r} where {expected or 'nothing'!r} "
                                 f"should come")
            titles.append(title)
            body = sections[title] = []
            i += 1
        elif line.strip():
            if body is None:
                raise ParseError(f"`ncclras` line {i + 1}: {line.strip()[:120]!r} outside any section")
            body.append(line)
        i += 1
    if "Communicators" not in sections and any(r.strip().startswith("Communicators...") for r in rows[start:]):
        raise ParseError("`ncclras` output stops at 'Communicators...': the RAS collective never answered (cut?)")
    missing = [name for name in _SECTIONS if name not in sections]
    if missing:
        raise ParseError(f"`ncclras` output ends before its {missing[0]!r} section (cut?)")
    nodes, processes, gpus, outliers = _job(sections["Job summary"])
    groups, none = _groups(sections["Communicators"])
    return RasReport(
        library=version[1], version=version[2], compiled_with=version[3],
        runtime_version=int(runtime[2]) if runtime else None, driver_version=int(runtime[3]) if runtime else None,
        nodes=nodes, processes=processes, gpus=gpus, outlier_nodes=outliers,
        collection_s=float(communicators[1]), groups=groups,
        errors=_issues(sections["Errors"], "Errors"), warnings=_issues(sections["Warnings"], "Warnings"),
        no_communicators=none)


def _job(body: list[str]) -> tuple[int, int, int, list[str]]:
    totals = None
    outliers = []
    for n, line in enumerate(body):
        if line.startswith("(total)") and n + 1 < len(body):
            five, three = _TOTAL5.match(body[n + 1]), _TOTAL3.match(body[n + 1])
            if "per node" in line and five:
                totals = (int(five[1]), int(five[4]), int(five[5]))
            elif "per node" not in line and three:
                totals = (int(three[1]), int(three[2]), int(three[3]))
            else:
                raise ParseError(f"`ncclras` job summary: the totals row reads {body[n + 1].strip()!r}")
        outlier = _OUTLIER.match(line)
        if outlier:
            outliers.append(outlier[1])
    if totals is None:
        raise ParseError("`ncclras` job summary has no '(total)' row")
    return (*totals, outliers)


def _groups(body: list[str]) -> tuple[list[Group], bool | None]:
    if body and body[0].strip() == "No communicator data collected!":
        return [], True
    if len(body) < 2 or not body[0].lstrip().startswith("Group") or not body[1].lstrip().startswith("#"):
        raise ParseError(f"`ncclras` communicators section does not start with the 'Group  Comms ...' heading: "
                         f"{(body or [''])[0].strip()[:120]!r}")
    groups = []
    for line in body[2:]:
        match = _GROUP.match(line)
        if not match:
            raise ParseError(f"`ncclras` communicators table: unexpected row {line.strip()[:120]!r}")
        groups.append(Group(int(match[1]), int(match[2]), int(match[3]), match[4], int(match[5]), int(match[6]),
                            match[7], match[8].split(",")))
    return groups, None


def _issues(body: list[str], section: str) -> list[Issue]:
    issues: list[Issue] = []
    for line in body:
        head = line.strip()
        if not line.startswith(" "):
            glob, comm = _GLOBAL_ISSUE.match(head), _COMM_ISSUE.match(head)
            if glob:
                issues.append(Issue(glob[1], None, None, []))
            elif comm:
                issues.append(Issue(comm[3], comm[1], comm[2], []))
            else:
                raise ParseError(f"`ncclras` {section}: unexpected block heading {head[:120]!r}")
            continue
        if not issues:
            raise ParseError(f"`ncclras` {section}: detail line before any block: {head[:120]!r}")
        issue = issues[-1]
        issue.details.append(head)
        rank, process = _RANK.match(head), _PROCESS.match(head)
        if rank:
            issue.ranks.append(Rank(int(rank[1]), rank[2], int(rank[3]) if rank[3] else None, rank[4]))
        elif process:
            issue.processes.append(Process(int(process[1]), process[2], process[3]))
        elif head.startswith(("Rank ", "Process ")):
            raise ParseError(f"`ncclras` {section}: unreadable line {head[:120]!r}")
    return issues
