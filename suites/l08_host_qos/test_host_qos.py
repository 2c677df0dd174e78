"""L8 host lossless RoCE QoS, per RoCE rail (layers.md L8): the host mirrors the fabric contract of §1.1.

Every expected value is the inventory's bringup_fabric (else bringup_expect, else bringup/policy.yml); CNP
marking has no policy default, so without a declared value the fleet majority rules. mlnx_qos and the ECN
sysfs files are MLNX_OFED/DOCA interfaces: missing on a DOCA node they fail; on an inbox node the trust/PFC
checks read iproute2 `dcb` instead, and the ECN/traffic-class checks skip (no inbox equivalent).
"""

from bringup.checks import l08_host_qos as judge
from bringup.checks import network
from bringup.probes import qos


def test_trust_dscp_and_roce_dscp_maps_to_pfc_priority(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.trust_and_dscp_map(rail.netdev, qos.settings(facts, rail), network.fabric(node, "trust"),
                                   network.fabric(node, "roce_dscp"), network.fabric(node, "pfc_priority")))


def test_pfc_enabled_only_on_roce_priority(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.pfc_only_on(rail.netdev, qos.settings(facts, rail).pfc_enabled, network.fabric(node, "pfc_priority")))


def test_ecn_np_and_rp_enabled_on_roce_priority(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.ecn_on_priority(rail.netdev, facts.get(qos.ecn(rail)), network.fabric(node, "pfc_priority"),
                                network.fabric(node, "ecn")))


def _cnp(facts, rail):
    ecn = facts.get(qos.ecn(rail))
    return ecn.cnp_dscp, ecn.cnp_802p_prio


def test_cnp_dscp_and_priority_match_contract(node, rail, facts, fleet, check):
    network.require_roce(node, rail)
    ecn = facts.get(qos.ecn(rail))
    dscp, prio = network.fabric(node, "cnp_dscp"), network.fabric(node, "cnp_priority")
    if dscp is not None and prio is not None:
        check(judge.cnp_marking(rail.netdev, ecn, dscp, prio))
    else:  # layers.md §1.1: read the value, never assume it
        check.fleet_identical(f"{rail.netdev} CNP (dscp, 802.1p priority)", node.name,
                              network.rail_fleet(fleet, rail, _cnp), None)


def test_verbs_default_traffic_class(node, rail, facts, check):
    network.require_roce(node, rail)
    check.equal(f"{rail.rdma_device} verbs default traffic_class", facts.get(qos.traffic_class_of(rail)),
                network.fabric(node, "tos"))


def test_rdma_cm_default_tos(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.rdma_cm_tos(rail.rdma_device, facts.get(qos.roce_tos(rail)), network.fabric(node, "tos")))


def test_global_pause_off(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.global_pause_off(rail.netdev, facts.get(qos.pause(rail)), network.fabric(node, "global_pause")))


def test_rings_at_maximum(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.rings_at_maximum(rail.netdev, facts.get(qos.rings(rail))))


def test_roce_priority_on_lossless_buffer(node, rail, facts, check):
    network.require_roce(node, rail)
    check(judge.lossless_buffer(node.name, rail.netdev, qos.settings(facts, rail),
                                network.fabric(node, "pfc_priority")))
