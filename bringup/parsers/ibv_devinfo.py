"""``ibv_devinfo -v [-d <dev>]`` (rdma-core). Example (rdma-core 50, ConnectX-7 RoCE port, abridged)::

    hca_id:	mlx5_0
    	transport:			InfiniBand (0)
    	fw_ver:				28.39.1002
    	vendor_part_id:			4129
    	phys_port_cnt:			1
    	device_cap_flags:		0x21361c36
    					BAD_PKEY_CNTR
    					AUTO_PATH_MIG
    		port:	1
    			state:			PORT_ACTIVE (4)
    			max_mtu:		4096 (5)
    			active_mtu:		4096 (5)
    			link_layer:		Ethernet
    			GID[  0]:		fe80:0000:0000:0000:a288:c2ff:fe1f:4010, RoCE v1
    			GID[  3]:		::ffff:198.19.16.11, RoCE v2

Without ``-v`` there are no GID lines. Older rdma-core prints GIDs without the ", RoCE vN" suffix. Each
port must show state, active_mtu and link_layer, or the output counts as truncated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ibv_devinfo"

_ENUM = re.compile(r"^(\S+) \((\d+)\)$")
_GID = re.compile(r"^GID\[\s*(\d+)\]$")


@dataclass
class Port:
    number: int
    fields: dict[str, str] = field(default_factory=dict)
    gids: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # index -> (gid, "RoCE v2")

    @property
    def state(self) -> str:
        return _ENUM.sub(r"\1", self.fields["state"])

    @property
    def active_mtu(self) -> int:
        return int(self.fields["active_mtu"].split()[0])

    @property
    def link_layer(self) -> str:
        return self.fields["link_layer"]


@dataclass
class Device:
    hca_id: str
    fields: dict[str, str] = field(default_factory=dict)
    ports: dict[int, Port] = field(default_factory=dict)


@whole_lines
def parse(text: str) -> dict[str, Device]:
    devices: dict[str, Device] = {}
    device: Device | None = None
    port: Port | None = None
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line or ":" not in line:
            continue  # blank, or a continuation line of a flag list
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "hca_id":
            device, port = Device(value), None
            devices[value] = device
        elif device is None:
            raise ParseError(f"line {number} comes before any 'hca_id:' line: {line[:120]!r}")
        elif key == "port":
            if not value.isdecimal():
                raise ParseError(f"line {number}: bad port number {value!r}")
            port = Port(int(value))
            device.ports[port.number] = port
        elif port is not None and (gid := _GID.match(key)):
            gid_text, _, kind = value.partition(",")
            port.gids[int(gid[1])] = (gid_text.strip(), kind.strip() or None)
        elif port is not None:
            port.fields[key] = value
        else:
            device.fields[key] = value
    if not devices:
        raise ParseError("no 'hca_id:' line: not `ibv_devinfo` output")
    for dev in devices.values():
        if not dev.ports:
            raise ParseError(f"{dev.hca_id}: no 'port:' section (output truncated)")
        for p in dev.ports.values():
            missing = [k for k in ("state", "active_mtu", "link_layer") if k not in p.fields]
            if missing:
                raise ParseError(f"{dev.hca_id} port {p.number}: no {', '.join(missing)} (output truncated)")
    return devices
