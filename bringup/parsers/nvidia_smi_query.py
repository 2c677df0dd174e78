"""``nvidia-smi --query-gpu=... --format=csv`` (with or without ``noheader``/``nounits``). Example::

    index, name, serial, vbios_version, pci.bus_id
    0, NVIDIA H100 80GB HBM3, 1654922001234, 96.00.99.00.01, 00000000:18:00.0
    1, NVIDIA H100 80GB HBM3, 1654922005678, 96.00.99.00.01, 00000000:2A:00.0

Without a header line the caller names the fields (the order given to ``--query-gpu``).
"""

from __future__ import annotations

import csv

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "nvidia-smi-query-gpu"


@whole_lines
def parse(text: str, fields: list[str] | None = None) -> list[dict[str, str]]:
    rows = [row for row in csv.reader(l for l in lines(text) if l.strip())]
    rows = [[cell.strip() for cell in row] for row in rows]
    if fields is None:
        if not rows:
            raise ParseError("empty output and no field list")
        fields = [f.split(" [")[0] for f in rows.pop(0)]  # "memory.total [MiB]" -> "memory.total"
    out = []
    for number, row in enumerate(rows, start=1):
        if len(row) != len(fields):
            raise ParseError(f"row {number} has {len(row)} fields, expected {len(fields)} ({fields}): {row}")
        out.append(dict(zip(fields, row)))
    return out
