"""``ibstat`` (infiniband-diags, part of rdma-core): every CA and its ports. Example (ConnectX-6, abridged)::

    CA 'mlx5_0'
    	CA type: MT4123
    	Number of ports: 1
    	Firmware version: 20.33.1048
    	Node GUID: 0x1070fd03008eb580
    	System image GUID: 0x1070fd03008eb580
    	Port 1:
    		State: Active
    		Physical state: LinkUp
    		Rate: 200
    		Base lid: 569
    		SM lid: 393
    		Port GUID: 0x1070fd03008eb580
    		Link layer: InfiniBand

``Rate`` is the active rate in Gb/s (``2.5`` for an SDR 1X link, so it may have a decimal). A RoCE port reads
``Link layer: Ethernet`` with lids 0. Indentation is not relied on (a pasted capture has its tabs turned into
spaces); the line's label says what it is. ``ibwarn:`` diagnostics and a shell prompt line running ``ibstat``
are skipped. ibstat prints every port the CA declares (``Number of ports``), each ending with ``Link layer``,
so a CA with fewer ports, or a port without State, Physical state, Rate or Link layer, was cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ibstat"

_CA = re.compile(r"^CA '([^']+)'$")
_PORT = re.compile(r"^Port ([0-9]+):$")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z ]*?):\s*(.*)$")
_RATE = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
_NOISE = re.compile(r"^(?:ibwarn: |\S*[$#] *ibstat\b)")  # umad debug lines; the prompt line of a paste
PORT_FIELDS = ("State", "Physical state", "Rate", "Link layer")


@dataclass
class Port:
    number: int
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def state(self) -> str:
        return self.fields["State"]

    @property
    def physical_state(self) -> str:
        return self.fields["Physical state"]

    @property
    def rate_gbps(self) -> float:
        return float(self.fields["Rate"])

    @property
    def link_layer(self) -> str:
        return self.fields["Link layer"]


@dataclass
class CA:
    name: str
    fields: dict[str, str] = field(default_factory=dict)
    ports: dict[int, Port] = field(default_factory=dict)


@whole_lines
def parse(text: str) -> dict[str, CA]:
    cas: dict[str, CA] = {}
    ca: CA | None = None
    port: Port | None = None
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line or _NOISE.match(line):
            continue
        if match := _CA.match(line):
            ca, port = CA(match[1]), None
            if ca.name in cas:
                raise ParseError(f"line {number}: CA {ca.name!r} printed twice")
            cas[ca.name] = ca
        elif ca is None:
            raise ParseError(f"line {number} comes before any \"CA '<name>'\" line: {line[:120]!r}")
        elif match := _PORT.match(line):
            port = Port(int(match[1]))
            ca.ports[port.number] = port
        elif match := _FIELD.match(line):
            (port.fields if port is not None else ca.fields)[match[1]] = match[2].strip()
        else:
            raise ParseError(f"line {number} of CA {ca.name} is not 'Label: value': {line[:120]!r}")
    if not cas:
        raise ParseError("no \"CA '<name>'\" line: not `ibstat` output")
    for each in cas.values():
        _check(each)
    return cas


def _check(ca: CA) -> None:
    declared = ca.fields.get("Number of ports")
    if declared is None:
        raise ParseError(f"CA {ca.name}: no 'Number of ports' line (output truncated)")
    if not re.fullmatch(r"[0-9]+", declared):
        raise ParseError(f"CA {ca.name}: Number of ports is {declared!r}, not a whole number")
    if len(ca.ports) != int(declared):
        raise ParseError(f"CA {ca.name}: {len(ca.ports)} port section(s), the CA declares {declared} "
                         f"(output truncated)")
    for port in ca.ports.values():
        missing = [key for key in PORT_FIELDS if key not in port.fields]
        if missing:
            raise ParseError(f"CA {ca.name} port {port.number}: no {', '.join(missing)} (output truncated)")
        if not _RATE.match(port.fields["Rate"]):
            raise ParseError(f"CA {ca.name} port {port.number}: Rate is {port.fields['Rate']!r}, "
                             f"not a number of Gb/s")
