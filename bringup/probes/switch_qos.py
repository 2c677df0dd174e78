"""Layer 5 probes, host-side evidence of the switch's lossless QoS: the NIC's per-priority PFC pause
counters. The switch only sends PFC pause frames for the priorities its PFC is enabled on, so pause
frames received on any other priority show a switch/host contract mismatch (layers.md L5 "PFC pause only on
prio 3"). ``--statistics`` is ``-S`` spelled out: the same counters as the L3 probe, as its own command.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import ethtool_stats
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node


def pause_counters(rail) -> Probe:
    return Probe(f"pfc-counters-{rail.name}", f"ethtool --statistics {quote(rail.netdev)}",
                 parser=ethtool_stats.parse)


def plan(node: "Node") -> list[Probe]:
    return [pause_counters(rail) for rail in node.rails if rail.rdma_device]
