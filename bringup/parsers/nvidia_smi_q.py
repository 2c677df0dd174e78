"""``nvidia-smi -q`` (alias ``-a``) text report, whole or narrowed with ``-d ECC``, ``-d PAGE_RETIREMENT``, ``-d
ROW_REMAPPER``... Example (driver 565, one of eight H100 sections)::

    ==============NVSMI LOG==============

    Timestamp                                 : Thu Nov 14 07:00:14 2024
    Driver Version                            : 565.57.01
    CUDA Version                              : 12.7

    Attached GPUs                             : 8
    GPU 00000000:18:00.0
        Product Name                          : NVIDIA H100 80GB HBM3
        PCI
            GPU Link Info
                PCIe Generation
                    Max                       : 5
                    Current                   : 5
        Clocks Event Reasons
            HW Slowdown                       : Not Active
                HW Thermal Slowdown           : Not Active

The report is a tree drawn by indentation (4 spaces a level): ``key : value`` lines and section headers (a key
alone). A ``key : value`` line may own children too (``HW Slowdown`` above): they go to a section named ``HW
Slowdown >`` next to it, so the value stays a string whether or not a capture shows the children. A key repeated
under one parent (one ``Process ID`` block per process) gets `` [2]``, `` [3]``... appended. Every GPU's whole
tree is in ``GpuReport.fields``; the typed fields are the ones the checks read, each None where that driver
prints no such line.

Driver generations renamed things, all read here: ``Clocks Throttle Reasons`` (up to R530) became ``Clocks Event
Reasons``; ``Power Readings`` became ``GPU Power Readings``; the ECC counters went from ``Single Bit``/``Double
Bit`` blocks (their ``Total``) to ``SRAM``/``DRAM`` ``Correctable``/``Uncorrectable``, and R550+ split ``SRAM
Uncorrectable`` into ``Parity`` and ``SEC-DED`` (``GpuReport.volatile_uncorrectable`` sums what the driver
prints, so no generation counts an error twice); ``Pending`` under ``Retired Pages`` became ``Pending Page
Blacklist``.

Capture noise before the ``NVSMI LOG`` banner (a shell prompt, a comment) is skipped. A cut capture fails: a last
line without its newline, a section header with nothing under it at the end, or a last GPU section that stops
before the top-level key the first GPU section ends with. ``Unable to determine the device handle for GPU ...``
lines (a GPU NVML cannot open) go to ``unreachable``, and alone they are a whole report. ``Attached GPUs`` counts
the GPUs in the system, not the sections: ``-i 0`` prints one section under ``Attached GPUs : 8``; the triage
rule compares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bringup.parsers.common import ParseError, lines, whole_lines
from bringup.parsers.nvidia_smi_table import UNREACHABLE

TOOL = "nvidia-smi-q"

BANNER = "==============NVSMI LOG=============="
_GPU = re.compile(r"^GPU ([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])$")
_KEY_VALUE = re.compile(r"^(\S(?:.*?\S)?)\s+: ?(.*)$")
_INT = re.compile(r"^-?\d+$", re.ASCII)
_NUMBER_UNIT = re.compile(r"^(-?\d+(?:\.\d+)?)(?: ?(?:W|C|x))?$", re.ASCII)
_NA = {"N/A", "[N/A]", "Not Supported", "[Not Supported]", "Unknown Error", "[Unknown Error]", "Not Found"}
CHILDREN = ">"


@dataclass(frozen=True)
class GpuReport:
    bus_id: str
    fields: dict[str, Any]
    product_name: str | None = None
    serial: str | None = None
    vbios: str | None = None
    persistence_mode: str | None = None
    pcie_gen_current: int | None = None
    pcie_gen_max: int | None = None
    link_width_current: int | None = None
    link_width_max: int | None = None
    ecc_mode: str | None = None
    # counter name -> count (None where the driver prints N/A): "DRAM Uncorrectable", "SRAM Uncorrectable
    # Parity", old drivers "Double Bit Total"...
    ecc_volatile: dict[str, int | None] = field(default_factory=dict)
    ecc_aggregate: dict[str, int | None] = field(default_factory=dict)
    retired_single_bit: int | None = None
    retired_double_bit: int | None = None
    retired_pending: bool | None = None
    remapped_correctable: int | None = None
    remapped_uncorrectable: int | None = None
    remapped_pending: bool | None = None
    remapped_failure: bool | None = None
    temperature_c: int | None = None
    power_draw_w: float | None = None
    power_limit_w: float | None = None
    # reason -> active ("HW Slowdown", "HW Thermal Slowdown", "SW Power Cap"...); N/A reasons are left out
    clock_reasons: dict[str, bool] = field(default_factory=dict)

    @property
    def volatile_uncorrectable(self) -> int | None:
        return uncorrectable(self.ecc_volatile)

    @property
    def aggregate_uncorrectable(self) -> int | None:
        return uncorrectable(self.ecc_aggregate)

    @property
    def active_clock_reasons(self) -> list[str]:
        return [name for name, active in self.clock_reasons.items() if active]


@dataclass(frozen=True)
class NvidiaSmiQ:
    timestamp: str | None
    driver_version: str | None
    cuda_version: str | None
    attached_gpus: int | None
    gpus: list[GpuReport]
    unreachable: dict[str, str] = field(default_factory=dict)  # bus id -> reason, "Unable to determine the device
    # handle for GPU 0000:09:00.0: Unknown Error" (printed instead of that GPU's section, or instead of the report)


def uncorrectable(counters: dict[str, int | None]) -> int | None:
    """The uncorrectable errors among ``counters``: every ``... Uncorrectable ...`` counter (SRAM, DRAM, SRAM
    Parity, SRAM SEC-DED), or the old ``Double Bit Total``; None when the driver printed no number for them."""
    values = [v for name, v in counters.items()
              if ("Uncorrectable" in name or name == "Double Bit Total") and v is not None]
    return sum(values) if values else None


@whole_lines
def parse(text: str) -> NvidiaSmiQ:
    rows = lines(text)
    unreachable = {m[1]: m[2].strip() for m in (UNREACHABLE.match(line.strip()) for line in rows) if m}
    try:
        start = next(i for i, line in enumerate(rows) if line.strip() == BANNER)
    except StopIteration:
        if unreachable:
            return NvidiaSmiQ(None, None, None, None, [], unreachable)
        raise ParseError(f"not `nvidia-smi -q` output: no {BANNER!r} line") from None
    header: dict[str, Any] = {}
    sections: list[tuple[str, int, dict[str, Any]]] = []  # (bus id, line number, tree)
    block: list[tuple[int, str]] = []
    current = None
    for number, raw in enumerate(rows[start + 1:], start=start + 2):
        line = raw.rstrip()
        if UNREACHABLE.match(line.strip()):
            continue
        gpu = _GPU.match(line)
        if gpu:
            _close(current, block, header, sections)
            current, block = (gpu[1], number), []
        elif line.strip():
            block.append((number, line))
    _close(current, block, header, sections)
    if not sections:
        raise ParseError("`nvidia-smi -q` output holds no `GPU 0000xxxx:xx:xx.x` section (cut, or no GPU found?)")
    _check_last_section_whole(sections)
    attached = header.get("Attached GPUs")
    if attached is not None and not _INT.match(str(attached)):
        raise ParseError(f"`nvidia-smi -q`: Attached GPUs is {attached!r}, expected a count")
    return NvidiaSmiQ(
        timestamp=_text(header.get("Timestamp")),
        driver_version=_text(header.get("Driver Version")),
        cuda_version=_text(header.get("CUDA Version")),
        attached_gpus=int(attached) if attached is not None else None,
        gpus=[_typed(bus, tree) for bus, _, tree in sections],
        unreachable=unreachable,
    )


def _close(current, block, header, sections) -> None:
    if current is None:
        header.update(_tree(block, "the report header"))
    else:
        sections.append((current[0], current[1], _tree(block, f"GPU {current[0]}")))


def _tree(block: list[tuple[int, str]], where: str) -> dict[str, Any]:
    """The indented ``key : value`` lines of one section -> nested dicts. A line indented deeper than the one
    before belongs to it; a shallower line must return to the indentation of an open level."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, dict[str, Any]]] = []  # (indentation of the lines it holds, the dict)
    last_key = None
    for number, line in block:
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if not stack:
            stack.append((indent, root))
        elif indent > stack[-1][0]:
            parent = stack[-1][1]
            if parent[last_key] is None:  # a section header: its children go under it
                parent[last_key] = {}
                node = parent[last_key]
            else:  # a `key : value` line with children: they go to `key >`, the value stays as it was
                node = parent.setdefault(f"{last_key} {CHILDREN}", {})
            stack.append((indent, node))
        else:
            while stack and stack[-1][0] > indent:
                stack.pop()
            if not stack or stack[-1][0] != indent:
                raise ParseError(f"line {number} of {where}: indentation {indent} matches no open section "
                                 f"(indentation lost?): {body[:120]!r}")
        parent = stack[-1][1]
        match = _KEY_VALUE.match(body)
        key, value = (match[1], match[2].strip()) if match else (body, None)
        if key in parent:
            n = 2
            while f"{key} [{n}]" in parent:
                n += 1
            key = f"{key} [{n}]"
        parent[key] = value
        last_key = key
    if stack and stack[-1][1].get(last_key, "") is None:
        raise ParseError(f"{where} ends with the section header {last_key!r} and nothing under it (cut?)")
    return root


def _check_last_section_whole(sections: list[tuple[str, int, dict[str, Any]]]) -> None:
    """Every GPU section ends with the same top-level key (``Processes``; ``Capabilities`` from R565; the last
    requested section under ``-d``): a last section without it was cut. Only top-level keys are compared: the
    keys under ``Processes`` or ``MIG Devices`` differ between GPUs of one report."""
    if len(sections) < 2 or not sections[0][2]:
        return
    final = next(reversed(sections[0][2]))
    last = sections[-1][2]
    if final not in last:
        stop = f"stops after {next(reversed(last))!r}" if last else "is empty"
        raise ParseError(f"GPU {sections[-1][0]} section {stop}, before {final!r} that GPU {sections[0][0]} "
                         f"ends with (cut?)")


def _get(tree: dict[str, Any], *path: str) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _first(tree: dict[str, Any], *paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = _get(tree, *path)
        if value is not None:
            return value
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any, where: str, what: str, kind=int):
    value = _text(value)
    if value is None or value in _NA:
        return None
    match = _NUMBER_UNIT.match(value)
    if not match or (kind is int and "." in match[1]):
        raise ParseError(f"GPU {where}: {what} is {value!r}, expected a {'whole ' if kind is int else ''}number or N/A")
    return kind(match[1])


def _yes_no(value: Any, where: str, what: str) -> bool | None:
    value = _text(value)
    if value is None or value in _NA:
        return None
    if value not in ("Yes", "No"):
        raise ParseError(f"GPU {where}: {what} is {value!r}, expected Yes, No or N/A")
    return value == "Yes"


def _counters(node: Any, where: str, what: str) -> dict[str, int | None]:
    """Leaf counters of an ECC Errors > Volatile/Aggregate block, flattened: ``SRAM Correctable``; old
    drivers' ``Single Bit`` > ``Total`` -> ``Single Bit Total``. Yes/No flags (``SRAM Threshold Exceeded``)
    are not counters and stay in ``fields`` only."""
    out: dict[str, int | None] = {}
    if not isinstance(node, dict):
        return out
    for key, value in node.items():
        if isinstance(value, dict):
            for sub, count in _counters(value, where, f"{what} > {key}").items():
                out[f"{key} {sub}"] = count
            continue
        text = _text(value)
        if text in ("Yes", "No"):
            continue
        out[key] = _number(text, where, f"{what} > {key}")
    return out


_REASONS = ("Clocks Event Reasons", "Clocks Throttle Reasons")  # R535 renamed the second into the first


def _reasons(node: Any, where: str) -> dict[str, bool]:
    out: dict[str, bool] = {}
    if not isinstance(node, dict):
        return out
    for key, value in node.items():
        state = _text(value)
        if state in ("Active", "Not Active"):
            out[key] = state == "Active"
        elif state is not None and state not in _NA:
            raise ParseError(f"GPU {where}: clock reason {key} is {state!r}, expected Active, Not Active or N/A")
        if isinstance(value, dict):
            out.update(_reasons(value, where))
    return out


def _typed(bus: str, tree: dict[str, Any]) -> GpuReport:
    link = ("PCI", "GPU Link Info")
    ecc = _get(tree, "ECC Errors")
    retired = _get(tree, "Retired Pages")
    remapped = _get(tree, "Remapped Rows")
    power = _first(tree, ("GPU Power Readings",), ("Power Readings",))
    power = power if isinstance(power, dict) else {}
    return GpuReport(
        bus_id=bus,
        fields=tree,
        product_name=_text(_get(tree, "Product Name")),
        serial=_text(_get(tree, "Serial Number")),
        vbios=_text(_get(tree, "VBIOS Version")),
        persistence_mode=_text(_get(tree, "Persistence Mode")),
        pcie_gen_current=_number(_get(tree, *link, "PCIe Generation", "Current"), bus, "PCIe Generation Current"),
        pcie_gen_max=_number(_get(tree, *link, "PCIe Generation", "Max"), bus, "PCIe Generation Max"),
        link_width_current=_number(_get(tree, *link, "Link Width", "Current"), bus, "Link Width Current"),
        link_width_max=_number(_get(tree, *link, "Link Width", "Max"), bus, "Link Width Max"),
        ecc_mode=_text(_get(tree, "ECC Mode", "Current")),
        ecc_volatile=_counters(_get(ecc, "Volatile") if isinstance(ecc, dict) else None, bus, "ECC Errors > Volatile"),
        ecc_aggregate=_counters(_get(ecc, "Aggregate") if isinstance(ecc, dict) else None, bus,
                                "ECC Errors > Aggregate"),
        retired_single_bit=_number(_get(retired, "Single Bit ECC") if isinstance(retired, dict) else None, bus,
                                   "Retired Pages > Single Bit ECC"),
        retired_double_bit=_number(_get(retired, "Double Bit ECC") if isinstance(retired, dict) else None, bus,
                                   "Retired Pages > Double Bit ECC"),
        retired_pending=_yes_no(_first(retired, ("Pending Page Blacklist",), ("Pending Page Retirement",),
                                       ("Pending",)) if isinstance(retired, dict) else None, bus,
                                "Retired Pages > Pending"),
        remapped_correctable=_number(_get(remapped, "Correctable Error") if isinstance(remapped, dict) else None,
                                     bus, "Remapped Rows > Correctable Error"),
        remapped_uncorrectable=_number(_get(remapped, "Uncorrectable Error") if isinstance(remapped, dict) else None,
                                       bus, "Remapped Rows > Uncorrectable Error"),
        remapped_pending=_yes_no(_get(remapped, "Pending") if isinstance(remapped, dict) else None, bus,
                                 "Remapped Rows > Pending"),
        remapped_failure=_yes_no(_get(remapped, "Remapping Failure Occurred") if isinstance(remapped, dict) else None,
                                 bus, "Remapped Rows > Remapping Failure Occurred"),
        temperature_c=_number(_get(tree, "Temperature", "GPU Current Temp"), bus, "GPU Current Temp"),
        power_draw_w=_number(power.get("Power Draw"), bus, "Power Draw", float),
        power_limit_w=_number(_first(power, ("Current Power Limit",), ("Enforced Power Limit",), ("Power Limit",)),
                              bus, "Power Limit", float),
        clock_reasons=_reasons(_first(tree, *((name,) for name in _REASONS)), bus),
    )
