"""Triage of an ``nvidia-smi -q`` text report (whole or ``-d`` narrowed): what L1 (hardware), L2 (PCIe) and
L11 (GPU memory health, persistence) would say about each GPU section.

Words and rules of the suites' checks: ``test_gpu_memory_health`` (uncorrectable ECC since the driver loaded,
page retirement pending, row remapping pending/failed), ``test_gpu_no_hw_slowdown`` (HW slowdown and its
thermal/power-brake causes), ``test_gpu_pcie_link_full_speed`` (the generation the slot allows, ``Max``, and
the width the link runs, ``Current``, against policy ``pcie_link_gen``/``pcie_link_width``; the running
generation drops while a GPU idles, so it is not judged), ``test_gpu_persistence_mode`` (policy
``gpu_persistence_mode``) and ``test_gpu_count_matches_profile`` (``bringup_hardware.gpus``). A GPU with no
failure gets one info line; lines the report does not hold (a ``-d`` narrowed capture) are not judged.
"""

from __future__ import annotations

from bringup.parsers.nvidia_smi_q import BANNER, GpuReport, NvidiaSmiQ
from bringup.triage.model import Context, Finding
from bringup.triage.rules.nvidia_smi_table import unreachable

TOOL = "nvidia-smi-q"

# NVML clock event reasons that mean the hardware is holding clocks down (nvidia-smi(1), "Clocks Event Reasons").
_HW_REASONS = ("HW Slowdown", "HW Thermal Slowdown", "HW Power Brake Slowdown")


def detect(text: str) -> bool:
    # the lone "Unable to determine the device handle" line is left to the nvidia-smi table rule
    return any(line.strip() == BANNER for line in text.splitlines())


def findings(parsed: NvidiaSmiQ, ctx: Context) -> list[Finding]:
    out = unreachable(parsed.unreachable)
    declared = ctx.hardware.get("gpus")
    if declared and parsed.attached_gpus is not None and parsed.attached_gpus != int(declared):
        out.append(Finding("fail", "node", f"nvidia-smi reports {parsed.attached_gpus} attached GPUs, expected "
                                           f"{declared} (inventory bringup_hardware.gpus)"))
    if parsed.attached_gpus is not None and len(parsed.gpus) < parsed.attached_gpus:
        out.append(Finding("info", "node", f"the capture holds {len(parsed.gpus)} of {parsed.attached_gpus} "
                                           f"attached GPUs (nvidia-smi -i?)"))
    for gpu in parsed.gpus:
        out.extend(_gpu(gpu, ctx))
    return out


def _gpu(gpu: GpuReport, ctx: Context) -> list[Finding]:
    subject = f"GPU {gpu.bus_id}"
    problems: list[tuple[str, str]] = []
    if gpu.volatile_uncorrectable:
        problems.append(("fail", f"{gpu.volatile_uncorrectable} uncorrectable ECC errors since boot"))
    elif gpu.aggregate_uncorrectable:
        problems.append(("warn", f"{gpu.aggregate_uncorrectable} uncorrectable ECC errors in the lifetime "
                                 f"(aggregate) counters"))
    if gpu.ecc_mode == "Disabled":
        problems.append(("fail", "ECC disabled"))
    if gpu.retired_pending:
        problems.append(("fail", "page retirement pending (reboot needed)"))
    if gpu.remapped_pending:
        problems.append(("fail", "row remapping pending (GPU reset needed)"))
    if gpu.remapped_failure:
        problems.append(("fail", "row remapping failed (RMA candidate)"))
    active_hw = [r for r in _HW_REASONS if gpu.clock_reasons.get(r)]
    if active_hw:
        problems.append(("fail", f"{', '.join(active_hw)} active (thermal or power brake)"))
    if gpu.clock_reasons.get("SW Thermal Slowdown"):
        problems.append(("warn", "SW Thermal Slowdown active"))
    gen, width = ctx.expect.get("pcie_link_gen"), ctx.expect.get("pcie_link_width")
    if gen and gpu.pcie_gen_max is not None and gpu.pcie_gen_max < int(gen):
        problems.append(("fail", f"the slot allows only Gen{gpu.pcie_gen_max}, expected Gen{gen} "
                                 f"(policy pcie_link_gen)"))
    if width and gpu.link_width_current is not None and gpu.link_width_current != int(width):
        problems.append(("fail", f"PCIe link runs x{gpu.link_width_current}, expected x{width} "
                                 f"(policy pcie_link_width)"))
    elif gpu.link_width_current is not None and gpu.link_width_max and gpu.link_width_current < gpu.link_width_max:
        problems.append(("fail", f"PCIe link runs x{gpu.link_width_current}, capable of x{gpu.link_width_max}"))
    persistence = ctx.expect.get("gpu_persistence_mode")
    if persistence and gpu.persistence_mode and gpu.persistence_mode != persistence:
        problems.append(("fail", f"persistence mode {gpu.persistence_mode}, expected {persistence} "
                                 f"(policy gpu_persistence_mode)"))
    if problems:
        return [Finding(severity, subject, message) for severity, message in problems]
    return [Finding("info", subject, _healthy(gpu))]


def _healthy(gpu: GpuReport) -> str:
    parts = [gpu.product_name or "GPU"]
    if gpu.volatile_uncorrectable is not None:
        parts.append("no uncorrectable ECC")
    if gpu.remapped_pending is not None or gpu.retired_pending is not None:
        parts.append("nothing pending")
    if gpu.pcie_gen_max is not None and gpu.link_width_current is not None:
        parts.append(f"PCIe Gen{gpu.pcie_gen_max} x{gpu.link_width_current}")
    return ", ".join(parts)
