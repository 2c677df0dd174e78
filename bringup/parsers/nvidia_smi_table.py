"""``nvidia-smi`` with no arguments: the boxed summary table and its Processes table. Example (driver 565)::

    +-----------------------------------------------------------------------------------------+
    | NVIDIA-SMI 565.57.01              Driver Version: 565.57.01      CUDA Version: 12.7     |
    |-----------------------------------------+------------------------+----------------------+
    | GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
    | Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |
    |                                         |                        |               MIG M. |
    |=========================================+========================+======================|
    |   0  NVIDIA H100 80GB HBM3          On  |   00000000:18:00.0 Off |                    0 |
    | N/A   30C    P0            100W /  700W |       1MiB /  81559MiB |      0%      Default |
    |                                         |                        |             Disabled |
    +-----------------------------------------+------------------------+----------------------+

Column widths changed across drivers (R530 widened the first column, R550 the second; R440 has no ``MIG M.`` row
and a Processes table without GI/CI), so a row is read cell by cell between the ``|`` and each cell by its
content, never by column offsets. Names the old layout truncated (``NVIDIA GeForce ...``) stay truncated.

``ERR!`` in a cell (NVML could not read the value: the sign of a GPU in trouble) is kept: the cell's field is
None and its name is listed in ``Gpu.errors``. ``No devices were found`` is a result (``no_devices``), not an
error, and so is ``Unable to determine the device handle for GPU ...`` (``unreachable``), printed above the box
for each GPU NVML cannot open, or alone when it can open none. Capture noise before the table (a prompt, the
timestamp line nvidia-smi prints) is skipped; a table that stops without its closing ``+---+`` border, or a row
cut mid-line, is a ParseError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "nvidia-smi"

_BORDER = re.compile(r"^\+[-=+]+\+$")
_RULE = re.compile(r"^\|[-+]+[|+]$")  # the rule under the version line: |-----+-----+-----|
_HEADER = re.compile(r"NVIDIA-SMI\s+(\S+)\s+Driver Version:\s+(\S+)\s+CUDA Version:\s+(\S+)")
_NO_DEVICES = "No devices were found"
# printed above the box (or alone) for each GPU NVML cannot open: "Unable to determine the device handle for GPU
# 0000:0B:00.0: Unknown Error", "...GPU0000:07:00.0: Unknown Error", "...: GPU is lost.  Reboot the system to
# recover this GPU" (NVIDIA/open-gpu-kernel-modules#387, pdbear/syno_nvidia_gpu_driver#22, marian-nmt/marian#251)
UNREACHABLE = re.compile(r"^Unable to determine the device handle for GPU ?([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:"
                         r"[0-9A-Fa-f]{2}\.[0-9A-Fa-f]): (.+)$")
_ERR = "ERR!"
_FIRST = re.compile(r"^(\d+)\s+(.+?)\s+(\S+)$")            # index, name, persistence (On/Off; TCC/WDDM on Windows)
_BUS = re.compile(r"^([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])\s+(\S+)$")
_SECOND = re.compile(r"^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*/\s*(\S+)$")  # fan temp perf usage / cap
_MEMORY = re.compile(r"^(\S+)\s*/\s*(\S+)$")
_UTIL = re.compile(r"^(\S+)\s+(\S.*)$")
_PROC_GICI = re.compile(r"^(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(.+?)\s+(\S+)$")
_PROC_OLD = re.compile(r"^(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s+(\S+)$")


@dataclass(frozen=True)
class Gpu:
    index: int
    name: str
    persistence: str | None
    bus_id: str
    display_active: str | None
    ecc_uncorrected: int | None          # "Volatile Uncorr. ECC"; None for N/A or ERR!
    fan_percent: int | None
    temperature_c: int | None
    perf: str | None
    power_draw_w: int | None
    power_cap_w: int | None
    memory_used_mib: int | None
    memory_total_mib: int | None
    utilization_percent: int | None
    compute_mode: str | None
    mig_mode: str | None = None          # None where the driver prints no MIG row (R440)
    errors: list[str] = field(default_factory=list)  # the fields whose cell read ERR!


@dataclass(frozen=True)
class Process:
    gpu: int
    gi: str | None
    ci: str | None
    pid: int
    type: str
    name: str
    memory: str


@dataclass(frozen=True)
class Table:
    smi_version: str | None
    driver_version: str | None
    cuda_version: str | None
    gpus: list[Gpu]
    processes: list[Process] | None = None  # None: no Processes table in the capture
    no_devices: bool | None = None
    unreachable: dict[str, str] = field(default_factory=dict)  # bus id -> NVML's reason, for GPUs it cannot open


@whole_lines
def parse(text: str) -> Table:
    rows = [(n, line.rstrip()) for n, line in enumerate(lines(text), start=1)]
    if any(line.strip() == _NO_DEVICES for _, line in rows):
        return Table(None, None, None, [], None, True)
    unreachable = {m[1]: m[2].strip() for m in (UNREACHABLE.match(line.strip()) for _, line in rows) if m}
    tables = _tables(rows)
    if not tables and unreachable:
        return Table(None, None, None, [], None, None, unreachable)
    if not tables:
        raise ParseError("not the `nvidia-smi` table: no '| NVIDIA-SMI ... Driver Version: ...' box")
    main = tables[0]
    header = _HEADER.search(main[0][1])
    if not header:
        raise ParseError(f"line {main[0][0]}: the first box is not the `nvidia-smi` header: {main[0][1][:120]!r}")
    gpus = _gpus(main)
    processes = None
    for table in tables[1:]:
        title = _cells(table[0][1])[0]
        if title.startswith("Processes:"):
            processes = _processes(table)
    return Table(header[1], header[2], header[3], gpus, processes, None, unreachable)


def _tables(rows: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The boxes: each a run of `|` lines opened and closed by `+---+` borders (inner borders included). Boxes
    end at a line that is not part of a box, or where a border follows a border: MIG-enabled drivers print the
    ``MIG devices:`` box right under the GPU box, without the line of spaces between them."""
    tables: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    opened_at = 0
    for number, line in rows:
        stripped = line.strip()
        if current is None:
            if _BORDER.match(stripped):
                current, opened_at = [], number
            continue
        if _BORDER.match(stripped):
            if current and current[-1][1] == "+":  # two borders in a row: a box closed and the next one opens
                _close(current, opened_at, tables)
                current, opened_at = [], number
                continue
            current.append((number, "+"))
        elif _RULE.match(stripped):
            continue
        elif stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            current.append((number, stripped))
        elif stripped.startswith("|"):
            raise ParseError(f"line {number}: table row without its closing '|' (cut?): {stripped[:120]!r}")
        else:
            _close(current, opened_at, tables)
            current = None
    if current is not None:
        _close(current, opened_at, tables)
    return tables


def _close(current: list[tuple[int, str]], opened_at: int, tables: list) -> None:
    if not current or current[-1][1] != "+":
        raise ParseError(f"the table opened on line {opened_at} ends without its closing '+---+' border (cut?)")
    rows = [row for row in current if row[1] != "+"]
    if rows and (tables or _HEADER.search(rows[0][1])):
        tables.append(current)


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row[1:-1].split("|")]


def _gpus(table: list[tuple[int, str]]) -> list[Gpu]:
    try:
        body = next(i for i, (_, row) in enumerate(table) if row.startswith("|=="))
    except StopIteration:
        raise ParseError(f"line {table[0][0]}: the `nvidia-smi` box has no '|====|' line under its column "
                         f"headings (cut?)") from None
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, row in table[body + 1:]:
        if row == "+":
            blocks.append([])
        else:
            blocks[-1].append((number, row))
    return [_gpu(block) for block in blocks if block]


def _gpu(block: list[tuple[int, str]]) -> Gpu:
    where = f"line {block[0][0]}"
    if len(block) not in (2, 3) or any(len(_cells(row)) != 3 for _, row in block):
        raise ParseError(f"{where}: a GPU row of the `nvidia-smi` table has {len(block)} lines of 3 cells each "
                         f"expected 2 or 3: {block[0][1][:120]!r}")
    errors: list[str] = []
    (name_cell, bus_cell, ecc_cell), (power_cell, memory_cell, util_cell) = _cells(block[0][1]), _cells(block[1][1])
    first, bus, second = _FIRST.match(name_cell), _BUS.match(bus_cell), _SECOND.match(power_cell)
    memory, util = _MEMORY.match(memory_cell), _UTIL.match(util_cell)
    for match, cell in ((first, name_cell), (bus, bus_cell), (second, power_cell), (memory, memory_cell),
                        (util, util_cell)):
        if not match:
            raise ParseError(f"{where}: unexpected cell {cell!r} in a GPU row of the `nvidia-smi` table")

    def value(raw: str, what: str, unit: str = "") -> int | None:
        if raw == _ERR:
            errors.append(what)
            return None
        if raw in ("N/A", "[N/A]", "Off", "On"):
            return None
        digits = raw[:-len(unit)] if unit and raw.endswith(unit) else raw
        if not re.fullmatch(r"\d+", digits, re.ASCII) or (unit and not raw.endswith(unit)):
            raise ParseError(f"{where}: {what} reads {raw!r}, expected a number{' in ' + unit if unit else ''}, "
                             f"N/A or ERR!")
        return int(digits)

    def word(raw: str, what: str) -> str | None:
        if raw == _ERR:
            errors.append(what)
            return None
        return raw

    mig = None
    if len(block) == 3:
        extra = _cells(block[2][1])
        mig = word(extra[2], "MIG M.") if extra[2] else None
    return Gpu(
        index=int(first[1]), name=first[2], persistence=word(first[3], "Persistence-M"), bus_id=bus[1],
        display_active=word(bus[2], "Disp.A"), ecc_uncorrected=value(ecc_cell, "Volatile Uncorr. ECC"),
        fan_percent=value(second[1], "Fan", "%"), temperature_c=value(second[2], "Temp", "C"),
        perf=word(second[3], "Perf"), power_draw_w=value(second[4], "Pwr:Usage", "W"),
        power_cap_w=value(second[5], "Pwr:Cap", "W"), memory_used_mib=value(memory[1], "Memory-Usage used", "MiB"),
        memory_total_mib=value(memory[2], "Memory-Usage total", "MiB"),
        utilization_percent=value(util[1], "GPU-Util", "%"), compute_mode=word(util[2], "Compute M."),
        mig_mode=mig, errors=errors)


def _processes(table: list[tuple[int, str]]) -> list[Process]:
    try:
        body = next(i for i, (_, row) in enumerate(table) if row.startswith("|=="))
    except StopIteration:
        raise ParseError(f"line {table[0][0]}: the Processes box has no '|====|' line (cut?)") from None
    gici = any(" GI " in row for _, row in table[:body])
    out = []
    for number, row in table[body + 1:]:
        cell = _cells(row)[0] if row != "+" else ""
        if not cell or cell == "No running processes found":
            continue
        match = (_PROC_GICI if gici else _PROC_OLD).match(cell)
        if not match:
            raise ParseError(f"line {number}: not a process row of the `nvidia-smi` Processes table: {cell[:120]!r}")
        if gici:
            out.append(Process(int(match[1]), match[2], match[3], int(match[4]), match[5], match[6], match[7]))
        else:
            out.append(Process(int(match[1]), None, None, int(match[2]), match[3], match[4], match[5]))
    return out
