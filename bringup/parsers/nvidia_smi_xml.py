"""``nvidia-smi -q -x``: the full per-GPU report as XML. Example (driver 535, H100 SXM; abridged)::

    <?xml version="1.0" ?>
    <!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v12.dtd">
    <nvidia_smi_log>
        <driver_version>535.161.08</driver_version>
        <cuda_version>12.2</cuda_version>
        <attached_gpus>8</attached_gpus>
        <gpu id="00000000:19:00.0">
            <product_name>NVIDIA H100 80GB HBM3</product_name>
            <persistence_mode>Enabled</persistence_mode>
            <fabric><state>Completed</state><status>Success</status></fabric>
            <ecc_mode><current_ecc>Enabled</current_ecc><pending_ecc>Enabled</pending_ecc></ecc_mode>
            <ecc_errors><volatile><sram_correctable>0</sram_correctable><sram_uncorrectable>0</sram_uncorrectable>
                <dram_correctable>0</dram_correctable><dram_uncorrectable>0</dram_uncorrectable></volatile>...
            <retired_pages>...<pending_retirement>N/A</pending_retirement></retired_pages>
            <remapped_rows><remapped_row_corr>0</remapped_row_corr><remapped_row_unc>0</remapped_row_unc>
                <remapped_row_pending>No</remapped_row_pending><remapped_row_failure>No</remapped_row_failure>
            </remapped_rows>
        </gpu>
    </nvidia_smi_log>

Variants: driver 580 (``nvsmi_device_v13.dtd``, tests/fixtures/recorded_h100/nvidia-smi-q-x.out) splits
``sram_uncorrectable`` into ``sram_uncorrectable_parity`` and ``sram_uncorrectable_secded`` and reports the
fabric of a GPU outside an NVSwitch system as ``N/A``; drivers before 525 have no ``<fabric>``; pre-Ampere
GPUs count ECC as ``single_bit``/``double_bit`` and retire pages instead of remapping rows; counters read
``N/A`` where unsupported (taken as 0 / absent). GPUs appear in nvidia-smi index order.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from bringup.parsers.common import ParseError, lines

TOOL = "nvidia-smi-q-x"


@dataclass(frozen=True)
class GpuReport:
    index: int
    bus_id: str  # 00000000:19:00.0, as nvidia-smi prints it
    name: str
    persistence_mode: str | None
    fabric_state: str | None  # None: the driver reports no fabric (older driver) or "N/A"
    fabric_status: str | None
    ecc_mode: str | None
    volatile_uncorrectable: int
    pending_page_retirement: bool
    remapped_rows_pending: bool
    remapped_rows_failure: bool
    fb_total_mib: int | None = None  # <fb_memory_usage><total>81559 MiB
    bar1_total_mib: int | None = None  # <bar1_memory_usage><total>131072 MiB: the CPU-visible BAR


@dataclass(frozen=True)
class SmiReport:
    driver_version: str
    cuda_version: str | None
    gpus: list[GpuReport]


def _text(node: ET.Element | None, path: str) -> str | None:
    found = node.find(path) if node is not None else None
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return None if value in ("", "N/A", "Not Supported", "[N/A]") else value


def _count(node: ET.Element | None, path: str) -> int:
    value = _text(node, path)
    try:
        return int(value) if value is not None else 0
    except ValueError:
        raise ParseError(f"<{path}> is not a number: {value!r}") from None


def _uncorrectable(gpu: ET.Element) -> int:
    volatile = gpu.find("ecc_errors/volatile")
    if volatile is None:
        return 0
    if volatile.find("double_bit") is not None:  # Volta/Turing layout
        return _count(volatile, "double_bit/total")
    # DTD v12 (driver 535) counts sram_uncorrectable; v13 (driver 580) splits it into _parity and _secded.
    tags = ("sram_uncorrectable", "sram_uncorrectable_parity", "sram_uncorrectable_secded", "dram_uncorrectable")
    return sum(_count(volatile, tag) for tag in tags)


def _mib(node: ET.Element, path: str) -> int | None:
    value = _text(node, path)
    if value is None:
        return None
    number, _, unit = value.partition(" ")
    if unit != "MiB" or not number.isdecimal():
        raise ParseError(f"<{path}> is not a size in MiB: {value!r}")
    return int(number)


def parse(text: str) -> SmiReport:
    body = "\n".join(lines(text)).strip()  # CRLF and `srun -l` / `mpirun --tag-output` prefixes removed
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        line = exc.position[0]
        source = body.split("\n")
        bad = source[line - 1].strip() if 0 < line <= len(source) else ""
        raise ParseError(f"line {line}: not well-formed nvidia-smi XML ({exc}): {bad!r}") from None
    if root.tag != "nvidia_smi_log":
        raise ParseError(f"root element is <{root.tag}>, not <nvidia_smi_log>")
    driver = _text(root, "driver_version")
    if driver is None:
        raise ParseError("no <driver_version>")
    gpus = []
    for index, gpu in enumerate(root.findall("gpu")):
        gpus.append(GpuReport(
            index=index,
            bus_id=gpu.get("id", ""),
            name=_text(gpu, "product_name") or "",
            persistence_mode=_text(gpu, "persistence_mode"),
            fabric_state=_text(gpu, "fabric/state"),
            fabric_status=_text(gpu, "fabric/status"),
            ecc_mode=_text(gpu, "ecc_mode/current_ecc"),
            volatile_uncorrectable=_uncorrectable(gpu),
            pending_page_retirement=_text(gpu, "retired_pages/pending_retirement") == "Yes",
            remapped_rows_pending=_text(gpu, "remapped_rows/remapped_row_pending") == "Yes",
            remapped_rows_failure=_text(gpu, "remapped_rows/remapped_row_failure") == "Yes",
            fb_total_mib=_mib(gpu, "fb_memory_usage/total"),
            bar1_total_mib=_mib(gpu, "bar1_memory_usage/total"),
        ))
    attached = _text(root, "attached_gpus")
    if attached is not None and attached.isdecimal() and int(attached) != len(gpus):
        raise ParseError(f"<attached_gpus> says {attached} but the report holds {len(gpus)} <gpu> elements")
    return SmiReport(driver, _text(root, "cuda_version"), gpus)
