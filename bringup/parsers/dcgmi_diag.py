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
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bringup.parsers import jsonout
from bringup.parsers.common import ParseError, lines, require_whole_last_line

TOOL = "dcgmi-diag"

_ROW = re.compile(r"^\|\s*(?P<name>[^|]+?)\s*\|\s*(?P<result>.*?)\s*\|$")
_STATUS = re.compile(r"^(Pass|Fail|Warn|Skip)\b", re.IGNORECASE)


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


def _table(text: str) -> list[DiagResult]:
    out, category, closed = [], "", False
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("Successfully ran"):
            continue
        if stripped.startswith(("+---", "+===", "|---", "+-----")):
            name = stripped.strip("+|-= ").split("+")[0].strip(" -")
            if name:
                category = name
            closed = stripped.startswith("+---") and set(stripped) <= set("+-")
            continue
        match = _ROW.match(stripped)
        if not match:
            raise ParseError(f"line {number} is not a row of the `dcgmi diag` table: {stripped!r}")
        closed = False
        name, result = match["name"], match["result"]
        status = _STATUS.match(result)
        if category == "Metadata" or not status:  # metadata, the header row, Warning/Info rows
            if out and name == "Warning":
                last = out[-1]
                out[-1] = DiagResult(last.category, last.test, last.status, f"{last.detail} {result}".strip())
            continue
        detail = result[status.end():].strip(" -")
        out.append(DiagResult(category, name, status[1].capitalize(), detail))
    if not out:
        raise ParseError("no test rows in the `dcgmi diag` table")
    if not closed:
        raise ParseError("the `dcgmi diag` table is not closed by its bottom border (truncated output?)")
    return out


@jsonout.shape_checked("dcgmi diag")
def parse(text: str) -> list[DiagResult]:
    body = "\n".join(lines(text)).strip()  # CRLF and launcher prefixes removed
    if body.startswith("{"):
        return _json(body)
    results = _table(body)
    require_whole_last_line(text)
    return results
