"""``nvidia-smi topo -m``: the GPU/NIC connection matrix. Example (driver 535, HGX H100, 2 of 8 shown)::

    	GPU0	GPU1	NIC0	NIC1	CPU Affinity	NUMA Affinity	GPU NUMA ID
    GPU0	 X 	NV18	PIX	NODE	0-55,112-167	0		N/A
    GPU1	NV18	 X 	NODE	PIX	0-55,112-167	0		N/A
    NIC0	PIX	NODE	 X 	NODE
    NIC1	NODE	PIX	NODE	 X

    Legend:

      X    = Self
      SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)
      NODE = Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node
      PHB  = Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)
      PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)
      PIX  = Connection traversing at most a single PCIe bridge
      NV#  = Connection traversing a bonded set of # NVLinks

    NIC Legend:

      NIC0: mlx5_0
      NIC1: mlx5_1

Drivers before ~470 name NIC columns by device (``mlx5_0``) and have no NIC legend; both are accepted and
NIC columns are always reported under their RDMA device name. Cells are tab-separated; the affinity
columns may be separated by a double tab. Driver 580 underlines the header row with ANSI escapes even when
stdout is not a terminal (``\t\x1b[4mGPU0\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID\x1b[0m``, recorded on a
single-GPU H100 VM: tests/fixtures/recorded_h100/nvidia-smi-topo.out); escapes are dropped before parsing.

A capture copied from a terminal has its tabs expanded to spaces (8-column stops, so two cells may be only
one space apart), and may have lost the header's leading indentation (issue 13). Cells never contain a space,
so every row is split on runs of whitespace; the three header names that do (``CPU Affinity``, ``NUMA
Affinity``, ``GPU NUMA ID``) are read as one cell each. The header is the first line whose first cell is
``GPU0`` and whose second is not a matrix cell (the GPU0 row's second cell is ``X``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "nvidia-smi-topo-m"

_LEGEND_NIC = re.compile(r"^\s*(NIC\d+):\s*(\S+)\s*$")
_CELL = re.compile(r"^(X|SYS|NODE|PHB|PXB|PIX|NV\d+|NVL\d*|SOC|CPU)$")
_AFFINITY = ("CPU Affinity", "NUMA Affinity", "GPU NUMA ID")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # SGR escapes such as the header's underline
_HEADER_NAMES = re.compile(r"CPU Affinity|NUMA Affinity|GPU NUMA ID")
# The legend's last line when there is no NIC legend: whole, it cannot be a cut (a paste often loses the
# final newline after it).
_LAST_LEGEND_LINE = re.compile(r"NV#\s+= Connection traversing a bonded set of # NVLinks")


def _cells(line: str) -> list[str]:
    """A row's cells, tab-separated as printed or space-separated as pasted; header names keep their space."""
    joined = _HEADER_NAMES.sub(lambda name: name[0].replace(" ", "\x00"), line)
    return [cell.replace("\x00", " ") for cell in joined.split()]


def _is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and cells[0] == "GPU0" and not _CELL.match(cells[1])


@dataclass(frozen=True)
class Topology:
    devices: list[str]  # column order: GPU0.. then NIC devices by RDMA name
    links: dict[tuple[str, str], str]
    cpu_affinity: dict[str, str]
    numa_affinity: dict[str, str]

    def link(self, a: str, b: str) -> str:
        try:
            return self.links[(a, b)]
        except KeyError:
            raise KeyError(f"{a} or {b} is not in the topology matrix ({', '.join(self.devices)})") from None

    @property
    def gpus(self) -> list[str]:
        return [d for d in self.devices if re.fullmatch(r"GPU\d+", d)]


@whole_lines(closing=_LAST_LEGEND_LINE)
def parse(text: str) -> Topology:
    rows = [_ANSI.sub("", line) for line in lines(text)]
    start = next((i for i, line in enumerate(rows) if _is_header(_cells(line))), None)
    if start is None:
        raise ParseError("no matrix header (a line whose cells start with GPU0 and a device name)")
    header = _cells(rows[start])
    devices = [cell for cell in header if cell not in _AFFINITY]
    extra = [cell for cell in header if cell in _AFFINITY]
    names = {}
    for line in rows[start + 1:]:
        if (match := _LEGEND_NIC.match(line)):
            names[match[1]] = match[2]
    rename = lambda d: names.get(d, d)  # noqa: E731
    links: dict[tuple[str, str], str] = {}
    cpu, numa = {}, {}
    seen = set()
    for number, line in enumerate(rows[start + 1:], start=start + 2):
        if not line.strip():
            if seen:
                break
            continue
        cells = _cells(line)
        row = cells[0]
        matrix = cells[1:1 + len(devices)]
        if row not in devices or len(matrix) != len(devices) or not all(_CELL.match(c) for c in matrix):
            raise ParseError(f"line {number} is not a matrix row over {len(devices)} devices: {line.strip()!r}")
        seen.add(row)
        for col, cell in zip(devices, matrix):
            links[(rename(row), rename(col))] = cell
        rest = [c for c in cells[1 + len(devices):] if c]
        if row.startswith("GPU") and extra:
            if len(rest) < min(2, len(extra)):
                raise ParseError(f"line {number}: GPU row without its affinity columns: {line.strip()!r}")
            cpu[row] = rest[0]
            numa[row] = rest[1] if len(rest) > 1 else ""
    missing = [d for d in devices if d not in seen]
    if missing:
        raise ParseError(f"matrix rows missing for {', '.join(missing)} (truncated output?)")
    nics = [d for d in devices if re.fullmatch(r"NIC\d+", d)]
    if nics and not names:
        raise ParseError("NIC columns but no `NIC Legend:` section (truncated output?)")
    unnamed = [d for d in nics if d not in names]
    if unnamed:  # the legend is printed last: a cut inside it would leave some columns under their NICn alias
        raise ParseError(f"`NIC Legend:` does not name {', '.join(unnamed)} (truncated output?)")
    return Topology([rename(d) for d in devices], links, cpu, numa)
