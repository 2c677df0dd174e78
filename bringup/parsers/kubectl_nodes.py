"""``kubectl get nodes`` table output: the default columns, ``-o wide`` and ``--show-labels``. Example (1.24)::

    NAME         STATUS                     ROLES           AGE   VERSION   INTERNAL-IP    ...   OS-IMAGE
    kubeslave5   Ready,SchedulingDisabled   <none>          21d   v1.13.4   10.191.167.4   ...   Ubuntu 20.04.2 LTS

The columns come from the header, so older kubectl (no ROLES before 1.8, no INTERNAL-IP or CONTAINER-RUNTIME
before 1.8/1.9) parses too. kubectl's table printer (a tabwriter) starts every cell at its header word's
column; cells are sliced at those offsets because OS-IMAGE holds spaces. STATUS is the Ready condition
(``Ready``, ``NotReady``, ``Unknown``) plus ``SchedulingDisabled`` for a cordoned node; ``<none>`` is kubectl's
empty value. LABELS is ``key=value`` joined by commas (label values cannot hold a comma). kubectl prints no
header for an empty list ("No resources found" goes to stderr), so a header without rows was cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "kubectl-nodes"

COLUMNS = ("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION",
           "CONTAINER-RUNTIME", "LABELS")
_HEADER = re.compile(r"^\s*NAME\s+STATUS\s")
_PROMPT = re.compile(r"^\S*[$#] *(?:kubectl|k|oc)\s+get\s+(?:nodes?|no)\b")
_LABEL_KEY = re.compile(r"^(?:[A-Za-z0-9][-A-Za-z0-9_.]*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class Node:
    name: str
    status: str  # as printed: "Ready,SchedulingDisabled"
    ready: bool
    schedulable: bool
    roles: tuple[str, ...] | None  # None without a ROLES column (kubectl before 1.8); () for <none>
    age: str | None
    version: str | None
    internal_ip: str | None = None
    external_ip: str | None = None
    os_image: str | None = None
    kernel_version: str | None = None
    container_runtime: str | None = None
    labels: dict[str, str] | None = None  # only with --show-labels


@whole_lines
def parse(text: str) -> list[Node]:
    header: list[tuple[str, int]] | None = None
    nodes: list[Node] = []
    for number, raw in enumerate(lines(text), start=1):
        line = raw.rstrip()
        if not line.strip() or (header is None and _PROMPT.match(line.strip())):
            continue
        if header is None:
            if not _HEADER.match(line):
                raise ParseError(f"line {number} comes before the `kubectl get nodes` header (NAME STATUS ...): "
                                 f"{line.strip()[:120]!r}")
            header = _columns(line, number)
            continue
        nodes.append(_node(dict(_cells(header, line, number)), number))
    if header is None:
        raise ParseError("no `kubectl get nodes` header line (NAME STATUS ROLES AGE VERSION)")
    if not nodes:
        raise ParseError("`kubectl get nodes` header without rows (output truncated)")
    return nodes


def _columns(line: str, number: int) -> list[tuple[str, int]]:
    found = [(m[0], m.start()) for m in re.finditer(r"\S+", line)]
    unknown = [name for name, _ in found if name not in COLUMNS]
    if unknown:
        raise ParseError(f"line {number}: header column(s) {', '.join(unknown)} are not `kubectl get nodes` ones")
    return found


def _cells(header: list[tuple[str, int]], line: str, number: int) -> list[tuple[str, str]]:
    out = []
    for index, (name, start) in enumerate(header):
        end = header[index + 1][1] if index + 1 < len(header) else len(line)
        # tabwriter output: each cell starts at its header word, after at least one padding blank.
        if len(line) <= start or line[start] == " " or (start and line[start - 1] != " "):
            raise ParseError(f"line {number}: no {name} value at column {start + 1} (row cut, or not aligned "
                             f"with the header): {line.strip()[:120]!r}")
        out.append((name, line[start:end].strip()))
    return out


def _none(value: str | None) -> str | None:
    return None if value in (None, "<none>") else value


def _node(cell: dict[str, str], number: int) -> Node:
    conditions = cell["STATUS"].split(",")
    if not conditions[0] in ("Ready", "NotReady", "Unknown") or any(
            part != "SchedulingDisabled" for part in conditions[1:]):
        raise ParseError(f"line {number}: STATUS {cell['STATUS']!r} is not Ready/NotReady/Unknown "
                         f"[,SchedulingDisabled]")
    roles = None if "ROLES" not in cell else tuple(cell["ROLES"].split(",")) if cell["ROLES"] != "<none>" else ()
    return Node(cell["NAME"], cell["STATUS"], conditions[0] == "Ready", "SchedulingDisabled" not in conditions,
                roles, cell.get("AGE"), cell.get("VERSION"),
                _none(cell.get("INTERNAL-IP")), _none(cell.get("EXTERNAL-IP")), cell.get("OS-IMAGE"),
                cell.get("KERNEL-VERSION"), cell.get("CONTAINER-RUNTIME"),
                _labels(cell["LABELS"], number) if "LABELS" in cell else None)


def _labels(value: str, number: int) -> dict[str, str]:
    if value == "<none>":
        return {}
    labels = {}
    for pair in value.split(","):
        key, sep, val = pair.partition("=")
        if not sep or not _LABEL_KEY.match(key):
            raise ParseError(f"line {number}: label {pair[:80]!r} is not key=value")
        labels[key] = val
    return labels
