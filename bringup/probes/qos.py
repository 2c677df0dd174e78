"""Layer 8 probes: the host half of the lossless RoCE contract on each RoCE rail (layers.md L8).

``mlnx_qos`` (trust, dscp2prio, PFC), the MLNX_OFED ECN/CNP sysfs files, the verbs default traffic class,
the RDMA-CM default ToS, 802.3x pause and ring sizes; on an inbox-driver host, iproute2 ``dcb`` in place of
mlnx_qos (:func:`settings` picks).
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import dcb as dcb_parser
from bringup.parsers import ecn_sysfs, ethtool_pause, ethtool_rings, mlnx_qos as mlnx_qos_parser, traffic_class
from bringup.probes import Probe
from bringup.probes.rdma import rdma_cm

if TYPE_CHECKING:
    from bringup.inventory import Node
    from bringup.probe.prober import ProbeSet


def mlnx_qos(rail) -> Probe:
    return Probe(f"mlnx_qos-{rail.name}", f"mlnx_qos -i {quote(rail.netdev)}", parser=mlnx_qos_parser.parse,
                 vendor="mlnx_qos")


def ecn(rail) -> Probe:
    base = quote(f"/sys/class/net/{rail.netdev}/ecn")
    return Probe(f"ecn-{rail.name}", f"grep -H . {base}/roce_np/enable/* {base}/roce_rp/enable/* "
                                     f"{base}/roce_np/cnp_dscp {base}/roce_np/cnp_802p_prio",
                 parser=ecn_sysfs.parse, vendor="ECN sysfs (ecn/roce_np, roce_rp)")


def dcb(rail) -> list[Probe]:
    """iproute2 ``dcb``: the PFC and DSCP map of an inbox-driver host, which has no mlnx_qos."""
    q = quote(rail.netdev)
    return [Probe(f"dcb-pfc-{rail.name}", f"dcb pfc show dev {q} prio-pfc", parser=dcb_parser.parse),
            Probe(f"dcb-app-{rail.name}", f"dcb -N app show dev {q} dscp-prio", parser=dcb_parser.parse)]


def traffic_class_of(rail) -> Probe:
    return Probe(f"traffic_class-{rail.name}",
                 f"cat {quote(f'/sys/class/infiniband/{rail.rdma_device}/tc/1/traffic_class')}",
                 parser=traffic_class.parse, vendor="tc/1/traffic_class (MLNX_OFED)")


def roce_tos(rail) -> Probe:
    return rdma_cm(rail, "default_roce_tos", "roce_tos")


def pause(rail) -> Probe:
    return Probe(f"pause-{rail.name}", f"ethtool -a {quote(rail.netdev)}", parser=ethtool_pause.parse)


def rings(rail) -> Probe:
    return Probe(f"rings-{rail.name}", f"ethtool -g {quote(rail.netdev)}", parser=ethtool_rings.parse)


def settings(facts: "ProbeSet", rail):
    """Trust, DSCP map and PFC of a rail: ``mlnx_qos``, or on a host without it whose inventory does not
    declare DOCA, the iproute2 ``dcb`` equivalent (both answer .trust, .prio_of_dscp(), .pfc_enabled)."""
    probe = mlnx_qos(rail)
    if facts.result(probe.key).not_found and facts.nic_stack != "doca":
        pfc, app = (facts.get(p) for p in dcb(rail))
        return dcb_parser.Dcb(pfc.pfc, app.dscp_prio)
    return facts.get(probe)


def plan(node: "Node") -> list[Probe]:
    probes = []
    for rail in node.rails:
        if rail.rdma_device:
            probes += [mlnx_qos(rail), ecn(rail), traffic_class_of(rail), roce_tos(rail), pause(rail), rings(rail)]
            if node.nic_stack != "doca":  # mlnx_qos may be absent: read dcb as well
                probes += dcb(rail)
    return probes  # the proof by traffic reads the counters around the perftest benchmark (bringup/bench)
