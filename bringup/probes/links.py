"""Layer 3 probes: link state and speed, FEC, PHY error counters, optics DOM, link BER, LLDP neighbours.

Keys carry the rail name (``ethtool-rail0``), which the inventory model restricts to key-safe characters;
the netdev itself can hold anything Linux allows, so it is always quoted. PHY-level evidence (FEC,
counters, optics, mlxlink) is read only for ports the inventory declares as RoCE NICs (``rdma_device``):
a lab veth has no PHY to ask.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

LLDP = Probe("lldp", "lldpctl -f json")


def settings(rail) -> Probe:
    return Probe(f"ethtool-{rail.name}", f"ethtool {quote(rail.netdev)}")


def fec(rail) -> Probe:
    return Probe(f"fec-{rail.name}", f"ethtool --show-fec {quote(rail.netdev)}")


def stats(rail) -> Probe:
    return Probe(f"ethtool-S-{rail.name}", f"ethtool -S {quote(rail.netdev)}")


def module(rail) -> Probe:
    return Probe(f"module-{rail.name}", f"ethtool -m {quote(rail.netdev)}")


def mlxlink(rail) -> Probe:
    # layers.md L3 "Link quality": mlxlink -d <bdf> -e -c (MFT accepts a PCI address as the device).
    return Probe(f"mlxlink-{rail.name}", f"mlxlink -d {quote(rail.pci)} -e -c")


def plan(node: "Node") -> list[Probe]:
    probes = [LLDP] if node.rails else []
    for rail in node.rails:
        probes.append(settings(rail))
        if rail.rdma_device:
            probes += [fec(rail), stats(rail), module(rail)]
            if rail.pci:
                probes.append(mlxlink(rail))
    return probes
