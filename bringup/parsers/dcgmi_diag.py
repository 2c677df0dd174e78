"""``dcgmi diag -r <level>`` as the text table or as JSON (``-j``). Text example (DCGM 3.3, abridged)::

    Successfully ran diagnostic for group.
    +---------------------------+------------------------------------------------+
    | Diagnostic                | Result                                         |
    +===========================+================================================+
    |-----  Metadata  ----------+------------------------------------------------|
    | DCGM Version              | 3.3.5                                          |
    |-----  Deployment  --------+------------------------------------------------|
    | Denylist                  | Pass                                           |
    | Persistence Mode          | Pass                                           |
    +-----  Hardware  ----------+------------------------------------------------+
    | GPU Memory                | Fail - GPU: 3                                  |
    | Warning                   | GPU 3 Error using CUDA API cudaMalloc ...      |
    +---------------------------+------------------------------------------------+

JSON (``-j``): ``{"DCGM GPU Diagnostic": {"test_categories": [{"category": "Deployment", "tests":
[{"name": "Denylist", "results": [{"gpu_id": "0", "status": "Pass"}]}]}]}}``; DCGM 3.x names the top key
``DCGM Diagnostic`` and may give ``gpu_ids``. Statuses: Pass, Fail, Warn, Skip. ``parse`` tells the two
formats apart by the first character.

Rows of the table (NVIDIA/DCGM ``dcgmi/Diag.cpp``): a test row with its status, then the notes dcgmi prints
under it: ``Error`` rows under a Deployment test (``HelperDisplayDeploymentResult``), ``Warning`` rows under a
per-GPU test, ``Info`` rows under either. A note longer than the 45-character cell goes on in rows with an
empty name, cut mid-word (``Enabl`` / ``e persistence``), so the pieces are joined as printed. A row with an
empty name and a status is the same test's result for other GPUs (``Pass - GPU: 1`` / ``Fail - GPU: 0``;
DCGM 4 prints ``GPU0: Fail``). ``Error`` and ``Warning`` text becomes the result's detail; ``Info`` does not.
An ``Error`` row with no test row above it in its section is a failure of its own, named ``Error``.

Pasted captures (issue 13): the prompt line, a closing Markdown fence and the kubectl notice
``Defaulted container ...`` around the table are dropped; a paste ending at the bottom border without its
newline is whole. The table must end with its bottom border: a cut row, a table cut before its border or a
note cut between its rows is a ParseError.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError, closed_by, lines, require_whole_last_line, strip_capture

TOOL = "dcgmi-diag"

_ROW = re.compile(r"^\|(?P<name>[^|]*)\|(?P<cell>.*)\|$")
_STATUS = re.compile(r"^(?:GPU\d+: )?(Pass|Fail|Warn|Skip)\b", re.IGNORECASE)
_FOOTER = re.compile(r"\+-+\+-+\+")
_CELL_TEXT = 45  # dcgmi wraps a note at DATA_INFO_TAG_LEN characters (dcgmi/Diag.cpp)
_NOTES = ("Error", "Warning")  # become the detail of the result above them; "Info" rows do not
_NOISE = ("Successfully ran diagnostic", "Defaulted container ")


@dataclass(frozen=True)
class DiagResult:
    category: str
    test: str
    status: str  # Pass, Fail, Warn, Skip
    detail: str = ""


def failures(results: list[DiagResult]) -> list[DiagResult]:
    return [r for r in results if r.status == "Fail"]


def _json(text: str) -> list[DiagResult]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        bad = text.splitlines()[exc.lineno - 1].strip() if exc.lineno <= len(text.splitlines()) else ""
        raise ParseError(f"line {exc.lineno}: not valid JSON ({exc.msg}): {bad!r}") from None
    body = data.get("DCGM GPU Diagnostic") or data.get("DCGM Diagnostic")
    if not isinstance(body, dict) or "test_categories" not in body:
        raise ParseError(f"no `DCGM Diagnostic` test_categories in the JSON (keys: {sorted(data)})")
    out = []
    for category in body["test_categories"]:
        for test in category.get("tests", []):
            for result in test.get("results", []):
                gpu = result.get("gpu_id", result.get("gpu_ids", ""))
                detail = f"GPU {gpu}" if gpu not in ("", None) else ""
                warnings = result.get("warnings") or result.get("info") or ""
                if isinstance(warnings, list):  # DCGM 3: [{"warning": "...", "error_id": 37, ...}]
                    warnings = " ".join(str(w.get("warning", w)) if isinstance(w, dict) else str(w) for w in warnings)
                if warnings:
                    detail = f"{detail}: {warnings}".strip(": ")
                out.append(DiagResult(category.get("category", ""), test.get("name", ""),
                                      str(result.get("status", "")).capitalize(), str(detail)))
    return out


def _segment(cell: str) -> str:
    """The text of a result cell as dcgmi wrote it: one space of margin, then up to 45 characters, padded."""
    text = cell[1:] if cell.startswith(" ") else cell
    return text[:_CELL_TEXT] if len(text) > _CELL_TEXT else text.rstrip()


def _table(text: str) -> list[DiagResult]:
    out: list[DiagResult] = []
    category, closed = "", False
    note: list[str] | None = None  # the pieces of the Error/Warning note being read, or None
    kind = ""  # what a row with an empty name continues: "test", "note" or "" (Info, metadata, header)

    def end_note() -> None:
        nonlocal note
        if note is not None and out:
            last = out[-1]
            out[-1] = DiagResult(last.category, last.test, last.status,
                                 f"{last.detail} {''.join(note).strip()}".strip())
        note = None

    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(_NOISE):
            continue
        if stripped.startswith(("+---", "+===", "|---", "+-----")):
            end_note()
            name = stripped.strip("+|-= ").split("+")[0].strip(" -")
            if name:
                category = name
            closed = bool(_FOOTER.fullmatch(stripped))
            kind = ""
            continue
        match = _ROW.match(stripped)
        if not match:
            raise ParseError(f"line {number} is not a row of the `dcgmi diag` table: {stripped!r}")
        closed = False
        name, piece = match["name"].strip(), _segment(match["cell"])
        result = piece.strip()
        status = _STATUS.match(result)
        if not name:  # a wrapped note goes on, or the test above reports more GPUs
            if kind == "note":
                note.append(piece)  # type: ignore[union-attr]
            elif kind == "test" and status:
                out.append(DiagResult(category, out[-1].test, status[1].capitalize(), result[status.end():].strip(" -")
                                      or result[:status.start(1)].strip(": ")))
            continue
        end_note()
        if name in _NOTES:
            if not out or out[-1].category != category:  # an error with no test above it: a failure of its own
                out.append(DiagResult(category, "Error", "Fail", ""))
            note, kind = [piece], "note"
            continue
        if category == "Metadata" or not status:  # metadata, the header row, Info rows
            kind = ""
            continue
        detail = result[status.end():].strip(" -") or result[:status.start(1)].strip(": ")
        out.append(DiagResult(category, name, status[1].capitalize(), detail))
        kind = "test"
    end_note()
    if not out:
        raise ParseError("no test rows in the `dcgmi diag` table")
    if not closed:
        raise ParseError("the `dcgmi diag` table is not closed by its bottom border (truncated output?)")
    return out


@jsonout.shape_checked("dcgmi diag")
def parse(text: str) -> list[DiagResult]:
    text = strip_capture(text)
    body = "\n".join(lines(text)).strip()  # CRLF and launcher prefixes removed
    if body.startswith("{"):
        return _json(body)
    results = _table(text)
    if not closed_by(text, _FOOTER):
        require_whole_last_line(text)
    return results
