"""Triage of the default ``nvidia-smi`` table: what L1 (GPU count and model) and L11 (memory health,
persistence) would say from the summary a ticket usually carries.

``No devices were found`` fails the node, and so does each GPU nvidia-smi cannot open (``Unable to determine the
device handle``); a GPU count other than ``bringup_hardware.gpus`` fails, as does a
model other than ``bringup_hardware.gpu_model`` (names the old layout truncated with ``...`` are compared by
their kept prefix). Per GPU: an ``ERR!`` cell fails (NVML could not read the GPU: the table's sign of a GPU
that fell off the bus, Xid 79), a non-zero ``Volatile Uncorr. ECC`` fails, persistence other than policy
``gpu_persistence_mode`` fails; a healthy GPU is one info line.
"""

from __future__ import annotations

import re

from bringup.parsers.nvidia_smi_table import Gpu, Table
from bringup.triage.model import Context, Finding

TOOL = "nvidia-smi"

_HEADER_LINE = re.compile(r"^\|\s*NVIDIA-SMI \S+\s+Driver Version: \S+", re.M)
_NO_DEVICES_LINE = re.compile(r"^No devices were found\s*$", re.M)
_Q_BANNER_LINE = re.compile(r"^=+NVSMI LOG=+\s*$", re.M)
_UNREACHABLE_LINE = re.compile(r"^Unable to determine the device handle for GPU ?[0-9A-Fa-f]{4,8}:", re.M)
# policy words (Enabled/Disabled) -> the table's Persistence-M cell
_PERSISTENCE_CELL = {"Enabled": "On", "Disabled": "Off"}


def detect(text: str) -> bool:
    if _Q_BANNER_LINE.search(text):  # the `-q` report's own rule takes it, unreachable-GPU lines included
        return False
    return bool(_HEADER_LINE.search(text) or _NO_DEVICES_LINE.search(text) or _UNREACHABLE_LINE.search(text))


def findings(parsed: Table, ctx: Context) -> list[Finding]:
    declared = ctx.hardware.get("gpus")
    if parsed.no_devices:
        expected = f", expected {declared} (inventory bringup_hardware.gpus)" if declared else ""
        return [Finding("fail", "node", f"nvidia-smi: No devices were found{expected}")]
    out = unreachable(parsed.unreachable)
    if declared and len(parsed.gpus) != int(declared):
        out.append(Finding("fail", "node", f"nvidia-smi lists {len(parsed.gpus)} GPUs, expected {declared} "
                                           f"(inventory bringup_hardware.gpus)"))
    for gpu in parsed.gpus:
        out.extend(_gpu(gpu, ctx))
    return out


def unreachable(gpus: dict[str, str]) -> list[Finding]:
    """A GPU NVML cannot open: "Unknown Error" or "GPU is lost" is how Xid 79 (fallen off the bus) shows here."""
    return [Finding("fail", f"GPU {bus}", f"nvidia-smi cannot open it: {reason} (fallen off the bus? look for "
                                          f"Xid 79 in dmesg)") for bus, reason in gpus.items()]


def _gpu(gpu: Gpu, ctx: Context) -> list[Finding]:
    subject = f"GPU {gpu.index} ({gpu.bus_id})"
    problems = []
    if gpu.errors:
        problems.append(f"ERR! in {', '.join(gpu.errors)} (NVML cannot read the GPU: look for Xid 79, fallen off "
                        f"the bus, in dmesg)")
    if gpu.ecc_uncorrected:
        problems.append(f"{gpu.ecc_uncorrected} uncorrectable ECC errors since boot")
    model = ctx.hardware.get("gpu_model")
    if model and not _same_model(gpu.name, model):
        problems.append(f"model {gpu.name}, expected {model} (inventory bringup_hardware.gpu_model)")
    persistence = ctx.expect.get("gpu_persistence_mode")
    wanted = _PERSISTENCE_CELL.get(persistence or "")
    if wanted and gpu.persistence in ("On", "Off") and gpu.persistence != wanted:
        problems.append(f"persistence mode {gpu.persistence}, expected {wanted} (policy gpu_persistence_mode "
                        f"{persistence})")
    if problems:
        return [Finding("fail", subject, message) for message in problems]
    power = f"{gpu.power_draw_w}W / {gpu.power_cap_w}W" if gpu.power_cap_w else f"{gpu.power_draw_w}W"
    ecc = f"ECC {gpu.ecc_uncorrected}" if gpu.ecc_uncorrected is not None else "ECC N/A"
    return [Finding("info", subject, f"{gpu.name}, {gpu.temperature_c}C, {gpu.perf}, {power}, {ecc}")]


def _same_model(shown: str, declared: str) -> bool:
    if shown.endswith("..."):
        return declared.startswith(shown[:-3].rstrip())
    return shown == declared
