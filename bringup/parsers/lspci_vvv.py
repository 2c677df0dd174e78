"""``lspci -D -vvv``: one block per PCI function, with the PCIe capability fields the L2 checks read.

Example (pciutils 3.7, run as root on an HGX H100 node; abridged, fields are tab-indented)::

    0000:18:00.0 Ethernet controller: Mellanox Technologies MT2910 Family [ConnectX-7]
    	Subsystem: Mellanox Technologies Device 0026
    	NUMA node: 0
    	Capabilities: [60] Express (v2) Endpoint, MSI 00
    		DevCtl:	CorrErr- NonFatalErr+ FatalErr+ UnsupReq-
    			RlxdOrd+ ExtTag+ PhantFunc- AuxPwr- NoSnoop+ FLReset-
    			MaxPayload 256 bytes, MaxReadReq 4096 bytes
    		LnkCap:	Port #0, Speed 32GT/s, Width x16, ASPM not supported
    		LnkSta:	Speed 32GT/s (ok), Width x16 (ok)
    	Kernel driver in use: mlx5_core

    0000:17:00.0 PCI bridge: Broadcom / LSI PEX890xx PCIe Gen 5 Switch (rev b0)
    	Bus: primary=17, secondary=18, subordinate=18, sec-latency=0
    	Capabilities: [68] Express (v2) Downstream Port (Slot+), MSI 00
    	Capabilities: [1c0 v1] Access Control Services
    		ACSCap:	SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl+ DirectTrans+
    		ACSCtl:	SrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-

pciutils before 3.6 prints ``LnkSta: Speed 8GT/s, Width x16, TrErr- ...`` (no ``(ok)``/``(downgraded)``); a
link then counts as downgraded when it runs below its LnkCap. Without root the capabilities read
``Capabilities: <access denied>`` and the fields stay ``None``. The block header may or may not carry the
domain (``-D``) and ``-nn`` ids. Every block ends with a blank line, so output that stops inside a block is
reported as truncated; empty output (no PCI functions at all, e.g. a microVM) is an empty result.

Pasted captures (issue 13) often lose that last blank line: a block may also end with ``Kernel driver in use:``
or ``Kernel modules:``, the lines lspci prints last in a block (pciutils ``ls-kernel.c``), so a capture
whose last block ends there is whole, and one that stops anywhere else is still truncated. A paste whose
indentation was lost (fields at column 0) reads the same: inside a block, a line that is not a
``<slot> <description>`` header is a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "lspci-vvv"

_HEADER = re.compile(r"^(?P<slot>(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]) (?P<desc>.+)$")
_LINK = re.compile(r"Speed (?:(?P<speed>\d+(?:\.\d+)?)GT/s|unknown)(?: \((?P<sq>ok|downgraded)\))?, "
                   r"Width x(?P<width>\d+)(?: \((?P<wq>ok|downgraded)\))?")
_BUS = re.compile(r"Bus: primary=([0-9a-f]+), secondary=([0-9a-f]+), subordinate=([0-9a-f]+)")
_EXPRESS = re.compile(r"Capabilities: \[[0-9a-f]+\] Express \(v\d\) (Endpoint|Legacy Endpoint|Root Port|Upstream Port|"
                      r"Downstream Port|Root Complex Integrated Endpoint|PCI-Express to PCI/PCI-X Bridge)")
_MRRS = re.compile(r"MaxPayload (\d+) bytes, MaxReadReq (\d+) bytes")
_FLAG = re.compile(r"(\w+)([+-])")
_LAST_LINES = ("Kernel driver in use:", "Kernel modules:")  # what lspci prints last in a block


@dataclass(frozen=True)
class Link:
    speed_gts: float | None  # None: "Speed unknown"
    width: int
    downgraded: bool  # lspci's own "(downgraded)" mark on speed or width


@dataclass
class PciFunction:
    slot: str  # always with domain: 0000:18:00.0
    description: str
    port_type: str | None = None  # "Endpoint", "Downstream Port", ...
    link_cap: Link | None = None
    link_sta: Link | None = None
    max_payload: int | None = None
    max_read_req: int | None = None
    acs_ctl: dict[str, bool] | None = None  # flag -> enabled
    numa_node: int | None = None
    driver: str | None = None
    bus_range: tuple[int, int] | None = None  # bridges: (secondary, subordinate)
    access_denied: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def bus(self) -> int:
        return int(self.slot.split(":")[1], 16)

    @property
    def domain(self) -> str:
        return self.slot.split(":")[0]

    @property
    def link_downgraded(self) -> bool:
        """lspci's mark, or (older pciutils) the running link below its capability."""
        if self.link_sta is None:
            return False
        if self.link_sta.downgraded:
            return True
        cap = self.link_cap
        return bool(cap and ((cap.speed_gts or 0) > (self.link_sta.speed_gts or 0) or cap.width > self.link_sta.width))


def _link(text: str, number: int, raw: str) -> Link:
    match = _LINK.search(text)
    if not match:
        raise ParseError(f"line {number}: cannot read speed and width from {raw.strip()!r}")
    speed = float(match["speed"]) if match["speed"] else None
    return Link(speed, int(match["width"]), "downgraded" in (match["sq"], match["wq"]))


def normalise_slot(slot: str) -> str:
    """``18:00.0`` or ``00000000:18:00.0`` (nvidia-smi) -> ``0000:18:00.0``, lower case."""
    parts = slot.strip().lower().split(":")
    domain = parts[0][-4:] if len(parts) == 3 else "0000"
    return f"{domain}:{parts[-2]}:{parts[-1]}"


@whole_lines
def parse(text: str) -> dict[str, PciFunction]:
    functions: dict[str, PciFunction] = {}
    current: PciFunction | None = None
    all_lines = lines(text)
    while all_lines and not all_lines[-1].strip():
        all_lines.pop()
    if not all_lines:  # a machine (VM, container) without PCI functions: lspci prints nothing
        return functions
    for number, raw in enumerate(all_lines, start=1):
        if not raw.strip():
            current = None
            continue
        match = None if raw[0].isspace() else _HEADER.match(raw.rstrip())
        if match or current is None:
            if not match or current is not None:
                raise ParseError(f"line {number} is not the start of an `lspci -vvv` block: {raw.strip()!r}")
            current = PciFunction(normalise_slot(match["slot"]), match["desc"])
            functions[current.slot] = current
            continue
        _field(current, raw.strip(), number, raw)
    ends_block = all_lines[-1].strip().startswith(_LAST_LINES)
    if not ends_block and not text.replace("\r", "").rstrip(" \t").endswith("\n\n"):
        raise ParseError(f"output ends inside the block of {current.slot if current else '?'} "
                         f"(truncated?): last line {all_lines[-1].strip()!r}")
    return functions


def _field(fn: PciFunction, line: str, number: int, raw: str) -> None:
    if line.startswith("LnkCap:"):
        fn.link_cap = _link(line, number, raw)
    elif line.startswith("LnkSta:"):
        fn.link_sta = _link(line, number, raw)
    elif line.startswith("ACSCtl:"):
        flags = _FLAG.findall(line.removeprefix("ACSCtl:"))
        if not flags:
            raise ParseError(f"line {number}: ACSCtl without flags: {line!r}")
        fn.acs_ctl = {name: sign == "+" for name, sign in flags}
    elif "MaxReadReq" in line:
        match = _MRRS.search(line)
        if not match:
            raise ParseError(f"line {number}: cannot read MaxPayload/MaxReadReq from {line!r}")
        fn.max_payload, fn.max_read_req = int(match[1]), int(match[2])
    elif line.startswith("NUMA node:"):
        node = line.split(":", 1)[1].strip()
        if not node.isdecimal():
            raise ParseError(f"line {number}: NUMA node is not a number: {line!r}")
        fn.numa_node = int(node)
    elif line.startswith("Kernel driver in use:"):
        fn.driver = line.split(":", 1)[1].strip()
    elif line.startswith("Bus: primary="):
        match = _BUS.search(line)
        if not match:
            raise ParseError(f"line {number}: cannot read the bus numbers from {line!r}")
        fn.bus_range = (int(match[2], 16), int(match[3], 16))
    elif line == "Capabilities: <access denied>":
        fn.access_denied = True
    elif line.startswith("Capabilities:") and " Express " in line:
        match = _EXPRESS.search(line)
        fn.port_type = match[1] if match else None


def downstream_ports_above(functions: dict[str, PciFunction], slot: str) -> list[PciFunction]:
    """PCIe switch downstream ports whose bus range holds ``slot``: the ports a peer-to-peer transfer to or
    from that device crosses inside the switch."""
    target = functions.get(normalise_slot(slot))
    if target is None:
        return []
    return [f for f in functions.values() if f.port_type == "Downstream Port" and f.bus_range
            and f.domain == target.domain and f.bus_range[0] <= target.bus <= f.bus_range[1]]
