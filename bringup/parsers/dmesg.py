"""``dmesg``: the kernel ring buffer, reduced to what the GPU layers read: IOMMU state and NVIDIA Xid events.

Example lines (Linux 5.15 on Intel, driver 535; IOMMU in passthrough)::

    [    0.000000] Command line: BOOT_IMAGE=/vmlinuz-5.15.0-105-generic ro intel_iommu=on iommu=pt
    [    0.412345] DMAR: IOMMU enabled
    [    1.203456] iommu: Default domain type: Passthrough (set via kernel command line)
    [ 5123.456789] NVRM: Xid (PCI:0000:5e:00): 79, pid=0, name=swapper/0, GPU has fallen off the bus.

On AMD hosts the IOMMU announces itself as ``AMD-Vi: ...``; ``DMAR: IOMMU disabled`` appears with
``intel_iommu=off``. Xid lines follow the driver's format ``NVRM: Xid (PCI:<dom>:<bus>:<dev>): <xid>, ...``
(NVIDIA "Xid Errors" doc). ``dmesg -T`` stamps and ``kernel:`` prefixes (journalctl -k) are accepted. A line
that names an Xid but does not carry one in that format is a garbled capture and raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "dmesg"

_XID = re.compile(r"NVRM: Xid \(PCI:(?P<pci>[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})(?:\.\d)?\): "
                  r"(?P<xid>\d+),\s*(?P<detail>.*)$")
_DOMAIN = re.compile(r"iommu: Default domain type: (?P<type>\w+)")
# "DMAR: IOMMU enabled" is printed only for intel_iommu=on; a kernel built with the IOMMU on by default
# announces it at the end of intel_iommu_init() ("Intel(R) Virtualization Technology for Directed I/O").
_ENABLED = re.compile(r"DMAR: IOMMU enabled|DMAR: Intel\(R\) Virtualization Technology for Directed I/O|"
                      r"AMD-Vi: (?:Found IOMMU|Interrupt remapping enabled)|AMD-Vi: AMD IOMMUv2|Detected AMD IOMMU")
_DISABLED = re.compile(r"DMAR: IOMMU disabled|AMD-Vi: (?:AMD IOMMU disabled|disabled)")
_IOMMU = re.compile(r"DMAR|IOMMU|AMD-Vi", re.IGNORECASE)


@dataclass(frozen=True)
class Xid:
    pci: str  # 0000:5e:00 (domain:bus:device, as the driver prints it)
    xid: int
    detail: str

    @property
    def bus(self) -> int:
        return int(self.pci.split(":")[1], 16)


@dataclass
class Dmesg:
    iommu_lines: list[str] = field(default_factory=list)
    iommu_enabled: bool | None = None  # None: the boot messages say neither (rotated out, or no IOMMU)
    default_domain: str | None = None  # "Passthrough", "Translated" (Linux >= 5.x iommu core)
    xids: list[Xid] = field(default_factory=list)


@whole_lines
def parse(text: str) -> Dmesg:
    out = Dmesg()
    for number, line in enumerate(lines(text), start=1):
        if "\x00" in line:
            raise ParseError(f"line {number}: binary data in dmesg output")
        if "NVRM: Xid" in line:
            match = _XID.search(line)
            if not match:
                raise ParseError(f"line {number}: an Xid line without PCI id and Xid number: {line.strip()!r}")
            out.xids.append(Xid(match["pci"].lower(), int(match["xid"]), match["detail"].strip()))
            continue
        if not _IOMMU.search(line) or "Command line:" in line or "Kernel command line:" in line:
            continue
        out.iommu_lines.append(line.strip())
        if (match := _DOMAIN.search(line)):
            out.default_domain = match["type"]
        if _DISABLED.search(line):
            out.iommu_enabled = False
        elif _ENABLED.search(line):
            out.iommu_enabled = True
    return out
