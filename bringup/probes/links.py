"""Layer 3 probes: link state and speed, FEC, PHY error counters, optics DOM, link BER, LLDP neighbours.

Keys carry the rail name (``ethtool-rail0``), which the inventory model restricts to key-safe characters;
the netdev itself can hold anything Linux allows, so it is always quoted. PHY-level evidence (FEC,
counters, optics, mlxlink) is read only for ports the inventory declares as RoCE NICs (``rdma_device``):
a lab veth has no PHY to ask.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import ethtool, ethtool_fec, ethtool_module, ethtool_stats, lldpctl
from bringup.parsers import mlxlink as mlxlink_parser
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

LLDP = Probe("lldp", "lldpctl -f json", parser=lldpctl.parse)


def settings(rail) -> Probe:
    return Probe(f"ethtool-{rail.name}", f"ethtool {quote(rail.netdev)}", parser=ethtool.parse)


def fec(rail) -> Probe:
    return Probe(f"fec-{rail.name}", f"ethtool --show-fec {quote(rail.netdev)}", parser=ethtool_fec.parse)


def stats(rail) -> Probe:
    return Probe(f"ethtool-S-{rail.name}", f"ethtool -S {quote(rail.netdev)}", parser=ethtool_stats.parse)


def module(rail) -> Probe:
    return Probe(f"module-{rail.name}", f"ethtool -m {quote(rail.netdev)}", parser=ethtool_module.parse)


def mlxlink(rail) -> Probe:
    # layers.md L3 "Link quality": mlxlink -d <bdf> -e -c (MFT accepts a PCI address as the device).
    return Probe(f"mlxlink-{rail.name}", f"mlxlink -d {quote(rail.pci)} -e -c",
                 parser=mlxlink_parser.parse, vendor="mlxlink")


def plan(node: "Node") -> list[Probe]:
    probes = [LLDP] if node.rails else []
    for rail in node.rails:
        probes.append(settings(rail))
        if rail.rdma_device:
            probes += [fec(rail), stats(rail), module(rail)]
            if rail.pci:
                probes.append(mlxlink(rail))
    return probes
