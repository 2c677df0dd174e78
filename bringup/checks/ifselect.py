"""Which interfaces a bootstrap setting selects: ``NCCL_SOCKET_IFNAME`` and Open MPI's ``*_tcp_if_include``.

Pure functions over interface names and addresses; the L9 bootstrap checks feed them ``ip -j addr`` facts.

NCCL (User Guide, "Environment Variables", NCCL_SOCKET_IFNAME,
https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html): "a list of prefixes to filter interfaces
to be used by NCCL. For example, ``eth,ib`` would only select interfaces starting with eth or ib. Using the
``^`` symbol, NCCL will exclude interfaces starting with any prefix in that list. To match (or not) an exact
interface name, begin the prefix string with the ``=`` character" (so ``^`` comes first: ``^=docker0``).
NCCL's list parser also takes ``prefix:port``; the port does not change which interface, so it is dropped.

Open MPI (``ompi_info --param btl tcp``: btl_tcp_if_include is a "Comma-delimited list of devices and/or
CIDR notation of networks to use", e.g. ``eth0,192.168.0.0/16``; the oob_tcp_if_include of Open MPI 4.x
takes the same form, https://www.open-mpi.org/faq/?category=tcp#tcp-selection): device names match exactly
(``eth1`` is not ``eth1.3``); a network matches an interface holding an address inside it.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable, Mapping

from bringup.parsers.ip_addr import Interface


def nccl_selects(spec: str, ifname: str) -> bool:
    """Does ``NCCL_SOCKET_IFNAME=spec`` let NCCL use ``ifname``?"""
    exclude = spec.startswith("^")
    spec = spec[1:] if exclude else spec
    exact = spec.startswith("=")
    spec = spec[1:] if exact else spec
    names = [item.partition(":")[0] for item in (s.strip() for s in spec.split(",")) if item]
    hit = any(ifname == name if exact else ifname.startswith(name) for name in names)
    return hit != exclude


def _network(item: str) -> ipaddress.IPv4Network | None:
    if not item[:1].isdigit():  # Open MPI's own test: an entry starting with a digit is an address
        return None
    try:
        return ipaddress.IPv4Network(item, strict=False)
    except ValueError:
        return None


def ompi_selects(spec: str, ifname: str, addresses: Iterable[ipaddress.IPv4Interface]) -> bool:
    """Does ``*_tcp_if_include=spec`` let Open MPI use ``ifname`` (holding ``addresses``)?"""
    for item in (s.strip() for s in spec.split(",")):
        network = _network(item)
        if network is None and item == ifname:
            return True
        if network is not None and any(a.ip in network for a in addresses):
            return True
    return False


def usable(interface: Interface) -> bool:
    """Up (operstate UP) with an IPv4 address: the only kind a peer node can reach for a bootstrap socket.
    Loopback reports operstate UNKNOWN and is never reachable from another node, so it is not usable."""
    return interface.operstate == "UP" and bool(interface.ipv4)


def nccl_interfaces(spec: str, interfaces: Mapping[str, Interface]) -> list[str]:
    """The usable interfaces ``NCCL_SOCKET_IFNAME=spec`` selects, in ``ip addr`` order."""
    return [name for name, iface in interfaces.items() if usable(iface) and nccl_selects(spec, name)]


def ompi_interfaces(spec: str, interfaces: Mapping[str, Interface]) -> list[str]:
    """The usable interfaces ``*_tcp_if_include=spec`` selects, in ``ip addr`` order."""
    return [name for name, iface in interfaces.items() if usable(iface) and ompi_selects(spec, name, iface.ipv4)]
