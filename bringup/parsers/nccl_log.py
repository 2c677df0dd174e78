"""NCCL's ``NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET`` output inside a job log, per host. Example (NCCL
2.28.9, one H100 without RDMA NICs; tests/fixtures/recorded_h100/nccl-init-log.out)::

    vm:965:965 [0] NCCL INFO NCCL version 2.28.9+cuda13.0
    vm:965:965 [0] NCCL INFO NET/IB : No device found.
    vm:965:965 [0] NCCL INFO NET/IB : Using [RO]; OOB eth0:192.0.2.2<0>
    vm:965:965 [0] NCCL INFO NET/Socket : Using [0]eth0:192.0.2.2<0>
    vm:965:965 [0] NCCL INFO Using network Socket
    vm:965:965 [0] NCCL INFO NET/Socket : GPU Direct RDMA Disabled for HCA 0 'eth0'
    vm:965:965 [0] NCCL INFO ncclCommInitRankConfig comm 0xb7a46a0 rank 0 nranks 1 ... - Init COMPLETE

A healthy RoCE rank instead says ``NET/IB : Using [0]mlx5_0:1/RoCE ... [7]mlx5_7:1/RoCE [RO]; OOB ...``,
``Using network IB``, ``NET/IB : GPU Direct RDMA Enabled for HCA 0 'mlx5_0'`` and connects
``Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0/GDRDMA``. Lines are ``host:pid:tid [cudaDev] NCCL INFO``
(``... [dev] file.cc:123 NCCL WARN ...`` for warnings), from every rank, interleaved with other output; ``srun
-l``/``mpirun --tag-output``/``pdsh`` prefixes are tolerated. Older releases (<= 2.22) print the version bare
(``NCCL version 2.19.3+cuda12.3``, counted for the host of the line before it), ``Channel 00 : ...`` without
the ``/0`` part and ``GPU Direct RDMA Enabled for GPU 1 / HCA 0`` without the HCA name (named from the
``Using`` list). Repeated per-rank lines are kept once (devices, networks, GDR), channels all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "nccl-log"

_LINE = re.compile(r"(?P<host>[\w.-]+):\d+:\d+ \[\d+\] (?:\S+:\d+ )?NCCL (?P<level>INFO|WARN) ?(?P<msg>.*)$")
_VERSION = re.compile(r"^NCCL version (\d+\.\d+\.\d+)")  # "2.28.9" of "2.28.9+cuda13.0"
_USING = re.compile(r"^NET/(?P<net>IB|Socket)\s*: Using (?P<devs>.*?)\s*(?:;\s*OOB (?P<oob>.*?))?\s*$")
_IB_DEV = re.compile(r"\[(?P<i>\d+)\](?P<name>[^:\s]+):(?P<port>\d+)/(?P<kind>\S+)")
_SOCK_DEV = re.compile(r"\[(?P<i>\d+)\](?P<name>[^:\s]+):\S+")
_NETWORK = re.compile(r"^Using network (\S+)")
# "GPU Direct RDMA Enabled for HCA 0 'mlx5_0'" and, from the releases that name the path, "GPU Direct RDMA
# (nvidia-peermem) enabled for HCA 0 'mlx5_0" / "(DMABUF) enabled ..." (net_ib.cc prints no closing quote).
_GDR = re.compile(r"GPU Direct RDMA (?:\([^)]*\) )?(?P<state>[Ee]nabled|[Dd]isabled) for (?:GPU \S+ / )?"
                  r"HCA (?P<i>\d+)(?: '(?P<name>[^'\s]*)'?)?")
_CHANNEL = re.compile(r"^Channel (?P<ch>\d+)(?:/\d+)? : (?P<src>\S+) -> (?P<dst>\S+)"
                      r"(?: \[(?P<dir>send|receive)\])? via (?P<via>.+?)\s*$")


@dataclass(frozen=True)
class NetDevice:
    index: int
    name: str
    port: int | None
    kind: str  # "RoCE", "IB" (or "IB/SHARP" from the SHARP plugin); "Socket" for NET/Socket devices


@dataclass(frozen=True)
class Channel:
    channel: int
    src: str  # "0[0]": rank[cudaDev] (busId in hex on releases before 2.19)
    dst: str
    direction: str | None  # "send", "receive"; None for intra-node P2P/SHM lines
    via: str  # "NET/IB/0/GDRDMA", "NET/IB/3", "P2P/CUMEM", "P2P/direct pointer/read", "SHM/direct/direct"


@dataclass
class HostLog:
    host: str
    version: str | None = None  # "2.28.9"
    networks: list[str] = field(default_factory=list)  # "IB", "Socket", "IBext": as "Using network X" says
    ib_devices: list[NetDevice] = field(default_factory=list)
    socket_devices: list[NetDevice] = field(default_factory=list)
    oob: str | None = None  # "eth0:10.0.0.1<0>", as NET/IB prints it
    gdr_enabled: list[str] = field(default_factory=list)  # HCA names
    gdr_disabled: list[str] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    init_complete: int = 0  # "Init COMPLETE" lines (one per rank and communicator)
    warnings: list[str] = field(default_factory=list)  # text after "NCCL WARN"

    def net_channels(self) -> list[Channel]:
        return [c for c in self.channels if c.via.startswith("NET/")]


def _add(items: list, item) -> None:
    if item not in items:
        items.append(item)


def _message(log: HostLog, msg: str) -> None:
    if (m := _VERSION.match(msg)):
        log.version = log.version or m[1]
    elif (m := _USING.match(msg)):
        if m["net"] == "IB":
            log.oob = m["oob"] or log.oob
            for d in _IB_DEV.finditer(m["devs"]):
                _add(log.ib_devices, NetDevice(int(d["i"]), d["name"], int(d["port"]), d["kind"]))
        else:
            for d in _SOCK_DEV.finditer(m["devs"]):
                _add(log.socket_devices, NetDevice(int(d["i"]), d["name"], None, "Socket"))
    elif (m := _NETWORK.match(msg)):
        _add(log.networks, m[1])
    elif (m := _GDR.search(msg)):
        index = int(m["i"])
        known = next((d.name for d in log.ib_devices if d.index == index), f"HCA {index}")
        _add(log.gdr_enabled if m["state"].lower() == "enabled" else log.gdr_disabled, m["name"] or known)
    elif (m := _CHANNEL.match(msg)):
        log.channels.append(Channel(int(m["ch"]), m["src"], m["dst"], m["dir"], m["via"]))
    elif msg.rstrip().endswith("Init COMPLETE"):
        log.init_complete += 1


@whole_lines
def parse(text: str) -> dict[str, HostLog]:
    hosts: dict[str, HostLog] = {}
    last: str | None = None
    pending_version: str | None = None  # a bare banner before any prefixed line
    seen_info = False
    for line in lines(text):
        if (m := _LINE.search(line)):
            last = m["host"]
            log = hosts.setdefault(last, HostLog(last))
            if pending_version and log.version is None:
                log.version, pending_version = pending_version, None
            if m["level"] == "WARN":
                log.warnings.append(m["msg"].strip())
            else:
                seen_info = True
                _message(log, m["msg"].strip())
        elif (m := _VERSION.match(line.strip())):
            if last is not None and hosts[last].version is None:
                hosts[last].version = m[1]
            elif last is None:
                pending_version = m[1]
    if not seen_info:
        raise ParseError("no `NCCL INFO` lines: was NCCL_DEBUG=INFO set?")
    return hosts
