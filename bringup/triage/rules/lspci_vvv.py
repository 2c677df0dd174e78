"""Triage of ``lspci -vvv``: layers.md L2, every NVIDIA and Mellanox/NVIDIA-networking endpoint runs its link at
the policy's generation and width (``pcie_link_gen``, ``pcie_link_width``) and not below its own LnkCap
(lspci's "(downgraded)")."""

from __future__ import annotations

import re

from bringup.triage.model import Context, Finding

TOOL = "lspci-vvv"
_SLOT = re.compile(r"^(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7] \S", re.M)
_FIELD = re.compile(r"^\s+(?:LnkCap|LnkSta|Control|Capabilities):", re.M)
_VENDORS = re.compile(r"NVIDIA|Mellanox", re.IGNORECASE)
# PCIe generation -> GT/s per lane (PCI-SIG base specifications 1.0-6.0).
GEN_GTS = {1: 2.5, 2: 5.0, 3: 8.0, 4: 16.0, 5: 32.0, 6: 64.0}


def detect(text: str) -> bool:
    return bool(_SLOT.search(text) and _FIELD.search(text))


def findings(parsed: dict, ctx: Context) -> list[Finding]:
    gen, width = ctx.expect.get("pcie_link_gen"), ctx.expect.get("pcie_link_width")
    out = []
    for slot, fn in parsed.items():
        if not _VENDORS.search(fn.description) or fn.port_type not in (None, "Endpoint", "Legacy Endpoint"):
            continue
        if fn.link_sta is None or fn.access_denied:
            continue
        sta, cap = fn.link_sta, fn.link_cap
        what = f"{sta.speed_gts}GT/s x{sta.width}"
        if sta.downgraded or (cap and (sta.width < cap.width or (sta.speed_gts or 0) < (cap.speed_gts or 0))):
            out.append(Finding("fail", slot, f"link {what} below its LnkCap {cap.speed_gts}GT/s x{cap.width}"
                                             if cap else f"link {what} (downgraded)"))
        elif gen and sta.speed_gts != GEN_GTS.get(gen):
            out.append(Finding("fail", slot, f"link {what}, not Gen{gen} ({GEN_GTS.get(gen)}GT/s; "
                                             "policy pcie_link_gen)"))
        elif width and sta.width != width:
            out.append(Finding("fail", slot, f"link {what}, not x{width} (policy pcie_link_width)"))
        else:
            out.append(Finding("info", slot, f"link {what} at LnkCap"))
    return out or [Finding("info", "-", "no NVIDIA or Mellanox endpoint with a readable link status")]
