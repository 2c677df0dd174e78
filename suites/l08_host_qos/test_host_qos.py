"""L8 host lossless RoCE QoS, per RoCE rail (layers.md L8): the host mirrors the fabric contract of §1.1.

Every expected value is the inventory's bringup_fabric (else bringup_expect, else bringup/policy.yml); CNP
marking has no policy default, so without a declared value the fleet majority rules. mlnx_qos and the ECN
sysfs files are MLNX_OFED/DOCA interfaces: missing on a DOCA node they fail; on an inbox node the trust/PFC
checks read iproute2 `dcb` instead, and the ECN/traffic-class checks skip (no inbox equivalent).
"""

import pytest

from bringup import expect
from bringup.checks import network
from bringup.parsers import ecn_sysfs, ethtool_pause, ethtool_rings, rdma_cm, traffic_class


def _qos(facts, node, rail):
    return network.qos_settings(facts, node, rail)


def _ecn(facts, node, rail):
    return network.vendor_output(facts, node, f"ecn-{rail.name}", ecn_sysfs.parse, "ECN sysfs (ecn/roce_np, roce_rp)")


def test_trust_dscp_and_roce_dscp_maps_to_pfc_priority(node, rail, facts, check):
    network.require_roce(node, rail)
    qos = _qos(facts, node, rail)
    check.equal(f"{rail.netdev} priority trust state", qos.trust, network.fabric(node, "trust"))
    dscp, prio = network.fabric(node, "roce_dscp"), network.fabric(node, "pfc_priority")
    if qos.trust == "dscp":
        check.equal(f"{rail.netdev} priority of RoCE DSCP {dscp.value} ({dscp.source})", qos.prio_of_dscp(dscp.value),
                    prio)


def test_pfc_enabled_only_on_roce_priority(node, rail, facts, check):
    network.require_roce(node, rail)
    prio = network.fabric(node, "pfc_priority")
    wanted = [int(p == prio.value) for p in range(8)]
    check.equal(f"{rail.netdev} PFC enabled per priority 0-7", _qos(facts, node, rail).pfc_enabled,
                expect.Expected(wanted, f"{prio.source}: PFC on priority {prio.value} only"))


def test_ecn_np_and_rp_enabled_on_roce_priority(node, rail, facts, check):
    network.require_roce(node, rail)
    ecn, prio, wanted = _ecn(facts, node, rail), network.fabric(node, "pfc_priority"), network.fabric(node, "ecn")
    measured = {"np": ecn.np_enabled.get(prio.value), "rp": ecn.rp_enabled.get(prio.value)}
    check.equal(f"{rail.netdev} ECN on priority {prio.value} (notification point, reaction point)", measured,
                expect.Expected({"np": wanted.value, "rp": wanted.value}, wanted.source))


def _cnp(facts, rail):
    ecn = facts.parsed(f"ecn-{rail.name}", ecn_sysfs.parse)
    return ecn.cnp_dscp, ecn.cnp_802p_prio


def test_cnp_dscp_and_priority_match_contract(node, rail, facts, fleet, check):
    network.require_roce(node, rail)
    ecn = _ecn(facts, node, rail)
    measured = ecn.cnp_dscp, ecn.cnp_802p_prio
    dscp, prio = network.fabric(node, "cnp_dscp"), network.fabric(node, "cnp_priority")
    if dscp is not None and prio is not None:
        check.equal(f"{rail.netdev} CNP (dscp, 802.1p priority)", measured,
                    expect.Expected((dscp.value, prio.value), f"{dscp.source}, {prio.source}"))
    else:  # layers.md §1.1: read the value, never assume it
        check.fleet_identical(f"{rail.netdev} CNP (dscp, 802.1p priority)", node.name,
                              network.rail_fleet(fleet, rail, _cnp), None)


def test_verbs_default_traffic_class(node, rail, facts, check):
    network.require_roce(node, rail)
    tos = network.vendor_output(facts, node, f"traffic_class-{rail.name}", traffic_class.parse,
                                 "tc/1/traffic_class (MLNX_OFED)")
    check.equal(f"{rail.rdma_device} verbs default traffic_class", tos, network.fabric(node, "tos"))


def test_rdma_cm_default_tos(node, rail, facts, check):
    network.require_roce(node, rail)
    port = facts.parsed(f"roce_tos-{rail.name}", rdma_cm.parse).get((rail.rdma_device, 1))
    assert port is not None, f"configfs rdma_cm shows no port 1 for {rail.rdma_device}"
    check.equal(f"{rail.rdma_device} default_roce_tos", port.roce_tos, network.fabric(node, "tos"))


def test_global_pause_off(node, rail, facts, check):
    network.require_roce(node, rail)
    pause = facts.parsed(f"pause-{rail.name}", ethtool_pause.parse)
    wanted = network.fabric(node, "global_pause")
    check.equal(f"{rail.netdev} 802.3x pause (rx, tx)", (pause.rx, pause.tx),
                expect.Expected((wanted.value, wanted.value), wanted.source))


def test_rings_at_maximum(node, rail, facts, check):
    network.require_roce(node, rail)
    rings = facts.parsed(f"rings-{rail.name}", ethtool_rings.parse)
    # layers.md L8 [S9]: microbursts overflow small rings before PFC can act, so current must equal maximum.
    check.equal(f"{rail.netdev} rings (rx, tx)", (rings.current["RX"], rings.current["TX"]),
                expect.Expected((rings.maximum.get("RX"), rings.maximum.get("TX")), "ethtool -g pre-set maximums"))


def test_roce_priority_on_lossless_buffer(node, rail, facts, check):
    """layers.md L8 "Buffers/headroom": the RoCE priority sits in a receive buffer that only PFC-enabled
    priorities share (lossy traffic in the same buffer would eat its xoff headroom), and the cable length
    that sizes the headroom is configured."""
    network.require_roce(node, rail)
    qos = _qos(facts, node, rail)
    if not getattr(qos, "pfc_buffer", None):
        pytest.skip(f"{rail.netdev} on {node.name}: no prio2buffer row (mlnx_qos of this version or dcb fallback)")
    prio = network.fabric(node, "pfc_priority").value
    buffer = qos.pfc_buffer[prio]
    sharing = [p for p in range(8) if qos.pfc_buffer[p] == buffer]
    lossy = [p for p in sharing if not qos.pfc_enabled[p]]
    check.record(f"buffer {buffer}: priorities {sharing}, cable len {qos.cable_len}", "PFC-only buffer")
    assert not lossy, (f"{rail.netdev}: RoCE priority {prio} shares receive buffer {buffer} with priorities {lossy} "
                       f"that have no PFC")
    assert qos.cable_len, f"{rail.netdev}: mlnx_qos shows no cable length, so PFC headroom is sized for a default"
