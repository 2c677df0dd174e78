"""``dmesg``: the kernel ring buffer, reduced to what the platform and GPU layers read: the IOMMU state and the
events a GPU node must not log.

Example lines (Linux 5.15 on Intel, driver 535; IOMMU in passthrough)::

    [    0.000000] Command line: BOOT_IMAGE=/vmlinuz-5.15.0-105-generic ro intel_iommu=on iommu=pt
    [    0.412345] DMAR: IOMMU enabled
    [    1.203456] iommu: Default domain type: Passthrough (set via kernel command line)
    [ 5123.456789] NVRM: Xid (PCI:0000:5e:00): 79, pid=0, name=swapper/0, GPU has fallen off the bus.

Event classes, each with its fields (real examples in tests/fixtures/dmesg/, provenance in each file):

- ``xids``: ``NVRM: Xid (PCI:<dom>:<bus>:<dev>): <xid>, <detail>`` (NVIDIA "Xid Errors"); the number's meaning
  comes from ``bringup/xid_meanings.yml``. A line that names an Xid without that format is a garbled capture.
- ``fallen_off``: "GPU has fallen off the bus" printed *without* an Xid: ``NVRM: GPU at 0000:01:00.0 has fallen
  off the bus.`` (old drivers), ``NVRM: GPU 0000:2b:00.0: GPU has fallen off the bus.``, and the three-line
  form of drivers >= 570 at probe time (``NVRM: The NVIDIA GPU 0000:b3:00.0`` / ``NVRM: (PCI ID: 10de:26b5)
  installed in this system has`` / ``NVRM: fallen off the bus and is not responding to commands.``).
- ``gdr_errors``: the GPUDirect RDMA kernel path: ``nvidia-peermem``/``nvidia_peermem``/``nv_peer_mem`` errors
  (unresolved ib_core symbols, "ERROR detected invalid context") and dma-buf lines that say error/fail.
- ``aer``: PCIe Advanced Error Reporting, one event per ``PCIe Bus Error: severity=..., type=...`` line
  (drivers/pci/pcie/aer.c), with the reporting device's BDF and the error bits listed under it.
- ``link_limited``: ``pcie_report_downtraining()`` (drivers/pci/pci.c): ``X Gb/s available PCIe bandwidth,
  limited by 8.0 GT/s PCIe x8 link at 0000:...: (capable of Y Gb/s with 16.0 GT/s PCIe x16 link)``. The
  healthy form without "limited by" (``504.112 Gb/s available PCIe bandwidth (32.0 GT/s PCIe x16 link)``) is
  not an event.
- ``sxids``: NVSwitch ``nvidia-nvswitchN: SXid (PCI:<bdf>): <sxid>, <detail>`` (Fabric Manager user guide,
  "SXid errors"); the driver's ``Severity ...`` and ``Data {...}`` lines for the same SXid are attached to it.

Timestamp forms: ``dmesg`` (``[  123.456789]``), ``dmesg -T`` (``[Fri Aug 30 11:43:09 2024]``), ``dmesg -H``
(``[Dec  4 11:07]``, ``[  +0.000844]``), ``dmesg -x --time-format iso``, ``journalctl -k`` / syslog
(``Feb 14 05:03:41 host kernel: ...``, optionally with the monotonic stamp after it) and bare ``kernel:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "dmesg"
XID_MEANINGS_FILE = Path(__file__).resolve().parent.parent / "xid_meanings.yml"

_BDF = r"[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]"
# Prefixes a capture may carry before the kernel's message, removed in this order (each at most once).
_PREFIXES = (
    re.compile(r"^\S+\s+\d{1,2} \d\d:\d\d:\d\d (?:\S+ )?kernel: ?"),  # journalctl -k / syslog (any month spelling)
    re.compile(r"^\d{4}-\d\d-\d\dT\S+ \S+ kernel: ?"),  # journalctl -o short-iso
    re.compile(r"^kern\s*:\s*\w+\s*: "),  # dmesg -x (facility:level)
    re.compile(r"^\d{4}-\d\d-\d\dT[\d:,.]+[+-]\d\d:?\d\d "),  # dmesg --time-format iso
    re.compile(r"^\[\s*\+?\d+\.\d+\] ?|^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] ?|"
               r"^\[[A-Z][a-z]{2}\s+\d{1,2} \d\d:\d\d\] ?"),  # dmesg, dmesg -T, dmesg -H
    re.compile(r"^kernel: ?"),
)
_XID = re.compile(r"NVRM: Xid \((?:PCI:)?(?P<pci>[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})(?:\.\d)?\): "
                  r"(?P<xid>\d+),\s*(?P<detail>.*)$")
_GPU_NAMED = re.compile(rf"NVRM: (?:The NVIDIA GPU|GPU at|GPU) (?:PCI:)?(?P<bdf>{_BDF})")
_PCI_ID = re.compile(r"NVRM: \(PCI ID: (?P<id>[0-9a-fA-F]{4}:[0-9a-fA-F]{4})\)")
_PEERMEM = re.compile(r"^(?P<module>nvidia[-_]peermem|nv_peer_mem)[: ]\s*(?P<message>.*)$")
# Errors only: the module's load banner and the kernel's taint notices ("module verification failed") are not.
_PEERMEM_ERROR = re.compile(r"ERROR|Unknown symbol|disagrees about version|invalid context|failed to|could not",
                            re.IGNORECASE)
_DMABUF_ERROR = re.compile(r"(?:dma-buf|dmabuf|dma_buf).*(?:error|fail)|(?:error|fail).*(?:dma-buf|dmabuf|dma_buf)",
                           re.IGNORECASE)
_AER = re.compile(rf"^(?P<driver>\S+) (?P<bdf>{_BDF}): (?:AER: )?PCIe Bus Error: severity=(?P<severity>[^,]+), "
                  r"type=(?P<type>[^,]+),\s*(?P<agent>.*)$")
_AER_DEVICE = re.compile(rf"^\S+ (?P<bdf>{_BDF}): (?:AER: )?\s*device \[(?P<id>[0-9a-f]{{4}}:[0-9a-f]{{4}})\]")
_AER_BIT = re.compile(rf"^\S+ (?P<bdf>{_BDF}): (?:AER: )?\s*\[\s*\d+\] (?P<name>\S.*?)\s*(?:\(First\))?\s*$")
_LIMITED = re.compile(rf"^(?P<driver>\S+) (?P<bdf>{_BDF}): (?P<available>\d+\.\d+) Gb/s available PCIe bandwidth, "
                      rf"limited by (?P<speed>\d+(?:\.\d+)? GT/s)(?: PCIe)? x(?P<width>\d+) link at (?P<at>{_BDF}) "
                      r"\(capable of (?P<capable>\d+\.\d+) Gb/s with (?P<cap_speed>\d+(?:\.\d+)? GT/s)(?: PCIe)? "
                      r"x(?P<cap_width>\d+) link\)")
_SXID = re.compile(rf"(?P<switch>nvidia-nvswitch\d*): SXid \(PCI:(?P<bdf>{_BDF})\): (?P<sxid>\d+), (?P<detail>.*)$")
_DOMAIN = re.compile(r"iommu: Default domain type: (?P<type>\w+)")
# "DMAR: IOMMU enabled" is printed only for intel_iommu=on; a kernel built with the IOMMU on by default
# announces it at the end of intel_iommu_init() ("Intel(R) Virtualization Technology for Directed I/O").
_ENABLED = re.compile(r"DMAR: IOMMU enabled|DMAR: Intel\(R\) Virtualization Technology for Directed I/O|"
                      r"AMD-Vi: (?:Found IOMMU|Interrupt remapping enabled)|AMD-Vi: AMD IOMMUv2|Detected AMD IOMMU")
_DISABLED = re.compile(r"DMAR: IOMMU disabled|AMD-Vi: (?:AMD IOMMU disabled|disabled)")
_IOMMU = re.compile(r"DMAR|IOMMU|AMD-Vi", re.IGNORECASE)


@lru_cache(maxsize=1)
def xid_meanings() -> dict[int, dict[str, str]]:
    return {int(k): v for k, v in (yaml.safe_load(XID_MEANINGS_FILE.read_text()) or {}).items()}


@dataclass(frozen=True)
class Xid:
    pci: str  # 0000:5e:00 (domain:bus:device, as the driver prints it)
    xid: int
    detail: str
    stamp: str = field(default="", compare=False)

    @property
    def bus(self) -> int:
        return int(self.pci.split(":")[1], 16)

    @property
    def meaning(self) -> str:
        entry = xid_meanings().get(self.xid)
        return entry["meaning"] if entry else "not in NVIDIA's Xid catalogue (bringup/xid_meanings.yml)"

    @property
    def cause(self) -> str | None:
        entry = xid_meanings().get(self.xid)
        return entry.get("cause") if entry else None


@dataclass(frozen=True)
class FallenOffBus:
    bdf: str | None  # 0000:b3:00.0; None when the capture names no device
    pci_id: str | None = None  # 10de:26b5 (the >= 570 multi-line form prints it)
    stamp: str = field(default="", compare=False)


@dataclass(frozen=True)
class GdrError:
    module: str  # nvidia-peermem, nvidia_peermem, nv_peer_mem, dma-buf
    message: str
    stamp: str = field(default="", compare=False)


@dataclass(frozen=True)
class AerError:
    bdf: str  # the device the kernel reports the error on
    driver: str  # pcieport, nvidia, mlx5_core...
    severity: str  # Corrected / Correctable, Uncorrected (Non-Fatal), Uncorrected (Fatal) (Uncorrectable on >= 6.x)
    type: str  # Physical Layer, Data Link Layer, Transaction Layer
    agent: str  # (Receiver ID), id=00e5(Receiver ID), (Requester ID)...
    device_id: str | None = None  # [8086:9d15] of the following "device [...] error status/mask" line
    errors: tuple[str, ...] = ()  # the status bits listed under it: RxErr, BadTLP, CmpltTO...
    stamp: str = field(default="", compare=False)

    @property
    def corrected(self) -> bool:
        return self.severity.startswith("Correct")


@dataclass(frozen=True)
class LinkLimited:
    bdf: str
    driver: str
    available_gbps: float
    speed: str  # "8.0 GT/s" (the limiting link's)
    width: int
    at: str  # the BDF of the limiting link (the device itself or a port above it)
    capable_gbps: float
    capable_speed: str
    capable_width: int
    stamp: str = field(default="", compare=False)


@dataclass(frozen=True)
class SXid:
    switch: str  # nvidia-nvswitch1
    bdf: str
    sxid: int
    detail: str  # "Non-fatal, Link 00 Minion Link DLREQ interrupt"
    extra: tuple[str, ...] = ()  # the driver's "Severity ..." and "Data {...}" lines for the same SXid
    stamp: str = field(default="", compare=False)

    @property
    def fatal(self) -> bool:
        return self.detail.lower().startswith("fatal")


@dataclass
class Dmesg:
    iommu_lines: list[str] = field(default_factory=list)
    iommu_enabled: bool | None = None  # None: the boot messages say neither (rotated out, or no IOMMU)
    default_domain: str | None = None  # "Passthrough", "Translated" (Linux >= 5.x iommu core)
    xids: list[Xid] = field(default_factory=list)
    fallen_off: list[FallenOffBus] = field(default_factory=list)
    gdr_errors: list[GdrError] = field(default_factory=list)
    aer: list[AerError] = field(default_factory=list)
    link_limited: list[LinkLimited] = field(default_factory=list)
    sxids: list[SXid] = field(default_factory=list)


def split_stamp(line: str) -> tuple[str, str]:
    """(the capture's prefixes: timestamp, host, ``kernel:``; the kernel's own message)."""
    body = line.strip()
    for prefix in _PREFIXES:
        if (match := prefix.match(body)):
            body = body[match.end():]
    return line.strip()[: len(line.strip()) - len(body)].strip(), body.strip()


class _Events:
    """The event lines of one capture, with the few lines of context multi-line messages need."""

    def __init__(self, out: Dmesg) -> None:
        self.out = out
        self.named_gpu: tuple[int, str] | None = None  # (line number, BDF) of the last "NVRM: ... GPU <bdf>"
        self.pci_id: str | None = None
        self.raw = ""  # the current line as captured, for error messages

    def line(self, number: int, stamp: str, body: str) -> bool:
        """Record ``body`` if it is an event; True when it was one (or part of one)."""
        out = self.out
        if "NVRM: Xid" in body:
            match = _XID.search(body)
            if not match:
                raise ParseError(f"line {number}: an Xid line without PCI id and Xid number: {self.raw!r}")
            out.xids.append(Xid(match["pci"].lower(), int(match["xid"]), match["detail"].strip(), stamp))
            return True
        if (match := _GPU_NAMED.search(body)):
            self.named_gpu = (number, match["bdf"].lower())
        if (match := _PCI_ID.search(body)):
            self.pci_id = match["id"].lower()
        if "fallen off the bus" in body and "NVRM" in body:
            bdf = match["bdf"].lower() if (match := _GPU_NAMED.search(body)) else None
            if bdf is None and self.named_gpu and number - self.named_gpu[0] <= 3:
                bdf = self.named_gpu[1]
            out.fallen_off.append(FallenOffBus(bdf, self.pci_id, stamp))
            self.pci_id = None
            return True
        if (match := _PEERMEM.match(body)):
            if _PEERMEM_ERROR.search(match["message"]):
                out.gdr_errors.append(GdrError(match["module"], match["message"].strip(), stamp))
            return True
        if _DMABUF_ERROR.search(body):
            out.gdr_errors.append(GdrError("dma-buf", body, stamp))
            return True
        return self._pci(number, stamp, body)

    def _pci(self, number: int, stamp: str, body: str) -> bool:
        out = self.out
        if "PCIe Bus Error" in body:
            match = _AER.match(body)
            if not match:
                raise ParseError(f"line {number}: a PCIe Bus Error line without device, severity and type: "
                                 f"{self.raw!r}")
            out.aer.append(AerError(match["bdf"].lower(), match["driver"], match["severity"].strip(),
                                    match["type"].strip(), match["agent"].strip(), stamp=stamp))
            return True
        last = out.aer[-1] if out.aer else None
        if last and (match := _AER_DEVICE.match(body)) and match["bdf"].lower() == last.bdf:
            out.aer[-1] = _replace(last, device_id=match["id"])
            return True
        if last and (match := _AER_BIT.match(body)) and match["bdf"].lower() == last.bdf:
            out.aer[-1] = _replace(last, errors=last.errors + (match["name"],))
            return True
        if "available PCIe bandwidth, limited by" in body:
            match = _LIMITED.match(body)
            if not match:
                raise ParseError(f"line {number}: a PCIe bandwidth line without device, link and capability: "
                                 f"{self.raw!r}")
            out.link_limited.append(LinkLimited(
                match["bdf"].lower(), match["driver"], float(match["available"]), match["speed"], int(match["width"]),
                match["at"].lower(), float(match["capable"]), match["cap_speed"], int(match["cap_width"]), stamp))
            return True
        if "SXid" in body:
            match = _SXID.search(body)
            if not match:
                raise ParseError(f"line {number}: an SXid line without NVSwitch PCI id and SXid number: {self.raw!r}")
            bdf, sxid, detail = match["bdf"].lower(), int(match["sxid"]), match["detail"].strip()
            prev = out.sxids[-1] if out.sxids else None
            if prev and (prev.bdf, prev.sxid) == (bdf, sxid) and detail.startswith(("Severity ", "Data {")):
                out.sxids[-1] = _replace(prev, extra=prev.extra + (detail,))
            else:
                out.sxids.append(SXid(match["switch"], bdf, sxid, detail, stamp=stamp))
            return True
        return False


def _replace(obj, **changes):
    from dataclasses import replace

    return replace(obj, **changes)


@whole_lines
def parse(text: str) -> Dmesg:
    out = Dmesg()
    events = _Events(out)
    for number, line in enumerate(lines(text), start=1):
        if "\x00" in line:
            raise ParseError(f"line {number}: binary data in dmesg output")
        stamp, body = split_stamp(line)
        events.raw = line.strip()
        if events.line(number, stamp, body):
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
