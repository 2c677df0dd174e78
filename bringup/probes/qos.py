"""Layer 8 probes: the host half of the lossless RoCE contract on each RoCE rail (layers.md L8).

``mlnx_qos`` (trust, dscp2prio, PFC), the MLNX_OFED ECN/CNP sysfs files, the verbs default traffic class,
the RDMA-CM default ToS, 802.3x pause and ring sizes.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.probes import Probe
from bringup.probes.rdma import rdma_cm

if TYPE_CHECKING:
    from bringup.inventory import Node


def mlnx_qos(rail) -> Probe:
    return Probe(f"mlnx_qos-{rail.name}", f"mlnx_qos -i {quote(rail.netdev)}")


def ecn(rail) -> Probe:
    base = quote(f"/sys/class/net/{rail.netdev}/ecn")
    return Probe(f"ecn-{rail.name}", f"grep -H . {base}/roce_np/enable/* {base}/roce_rp/enable/* "
                                     f"{base}/roce_np/cnp_dscp {base}/roce_np/cnp_802p_prio")


def dcb(rail) -> list[Probe]:
    """iproute2 ``dcb``: the PFC and DSCP map of an inbox-driver host, which has no mlnx_qos."""
    q = quote(rail.netdev)
    return [Probe(f"dcb-pfc-{rail.name}", f"dcb pfc show dev {q} prio-pfc"),
            Probe(f"dcb-app-{rail.name}", f"dcb -N app show dev {q} dscp-prio")]


def traffic_class(rail) -> Probe:
    return Probe(f"traffic_class-{rail.name}",
                 f"cat {quote(f'/sys/class/infiniband/{rail.rdma_device}/tc/1/traffic_class')}")


def pause(rail) -> Probe:
    return Probe(f"pause-{rail.name}", f"ethtool -a {quote(rail.netdev)}")


def rings(rail) -> Probe:
    return Probe(f"rings-{rail.name}", f"ethtool -g {quote(rail.netdev)}")


def plan(node: "Node") -> list[Probe]:
    probes = []
    for rail in node.rails:
        if rail.rdma_device:
            probes += [mlnx_qos(rail), ecn(rail), traffic_class(rail),
                       rdma_cm(rail, "default_roce_tos", "roce_tos"), pause(rail), rings(rail)]
            if node.nic_stack != "doca":  # mlnx_qos may be absent: read dcb as well
                probes += dcb(rail)
    return probes  # the proof by traffic reads the counters around the perftest benchmark (bringup/bench)
