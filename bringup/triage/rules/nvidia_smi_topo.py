"""Triage of ``nvidia-smi topo -m``: layers.md L12, each GPU reaches a NIC through PCIe switches only (policy
``gpu_nic_topology``: PIX or PXB); a GPU whose nearest NIC is NODE, SYS or PHB away sends GPUDirect traffic
across the CPU. Without the inventory's rail pairing, each GPU is judged by its nearest NIC."""

from __future__ import annotations

import re

from bringup.parsers.nvidia_smi_topo import Topology
from bringup.triage.model import Context, Finding

TOOL = "nvidia-smi-topo-m"
_HEADER = re.compile(r"^\s*GPU0\s.*CPU Affinity", re.M)
# nvidia-smi's legend order: nearest first (X = self, NV# = NVLink, then the PCIe path words).
_ORDER = ["PIX", "PXB", "PHB", "NODE", "SYS"]


def detect(text: str) -> bool:
    return bool(_HEADER.search(text))


def findings(parsed: Topology, ctx: Context) -> list[Finding]:
    allowed = list(ctx.expect.get("gpu_nic_topology") or ["PIX", "PXB"])
    gpus = [d for d in parsed.devices if d.startswith("GPU")]
    nics = [d for d in parsed.devices if not d.startswith("GPU")]
    if not nics:
        return [Finding("info", "topology", f"{len(gpus)} GPUs and no NIC in the matrix: nothing to pair")]
    out = []
    for gpu in gpus:
        links = {nic: parsed.links.get((gpu, nic), "") for nic in nics}
        nic, link = min(links.items(), key=lambda kv: _ORDER.index(kv[1]) if kv[1] in _ORDER else len(_ORDER))
        if link in allowed:
            out.append(Finding("info", gpu, f"reaches {nic} via {link}"))
        else:
            out.append(Finding("fail", gpu, f"nearest NIC {nic} is {link or '?'} away, not {'/'.join(allowed)} "
                                            "(policy gpu_nic_topology): GPUDirect traffic crosses the CPU"))
    return out
