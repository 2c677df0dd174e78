"""Layer 8 judges: the host half of the lossless RoCE contract on one rail (layers.md L8, §1.1).

Pure: each takes parsed facts (bringup.parsers) and expected values (bringup.expect.Expected) and returns the
check's one Verdict; suites/l08_host_qos/test_host_qos.py reads the facts and records the verdict.
"""

from __future__ import annotations

from bringup.checks.verdict import NotApplicable, Verdict, decisive, equal, holds
from bringup.expect import Expected


def trust_and_dscp_map(netdev: str, qos, trust: Expected, dscp: Expected, prio: Expected) -> Verdict:
    """Trust DSCP, and the RoCE DSCP mapped to the PFC priority (the map is moot under PCP trust)."""
    trusted = equal(f"{netdev} priority trust state", qos.trust, trust)
    if qos.trust != "dscp":
        return trusted
    return decisive(trusted, equal(f"{netdev} priority of RoCE DSCP {dscp.value} ({dscp.source})",
                                   qos.prio_of_dscp(dscp.value), prio))


def pfc_only_on(netdev: str, pfc_enabled: list[int], prio: Expected) -> Verdict:
    wanted = [int(p == prio.value) for p in range(8)]
    return equal(f"{netdev} PFC enabled per priority 0-7", pfc_enabled,
                 Expected(wanted, f"{prio.source}: PFC on priority {prio.value} only"))


def ecn_on_priority(netdev: str, ecn, prio: Expected, wanted: Expected) -> Verdict:
    measured = {"np": ecn.np_enabled.get(prio.value), "rp": ecn.rp_enabled.get(prio.value)}
    return equal(f"{netdev} ECN on priority {prio.value} (notification point, reaction point)", measured,
                 Expected({"np": wanted.value, "rp": wanted.value}, wanted.source))


def cnp_marking(netdev: str, ecn, dscp: Expected, prio: Expected) -> Verdict:
    return equal(f"{netdev} CNP (dscp, 802.1p priority)", (ecn.cnp_dscp, ecn.cnp_802p_prio),
                 Expected((dscp.value, prio.value), f"{dscp.source}, {prio.source}"))


def rdma_cm_tos(device: str, ports: dict, tos: Expected) -> Verdict:
    port = ports.get((device, 1))
    if port is None:
        return holds(f"{device} default_roce_tos", False, None, tos.value, tos.source,
                     f"configfs rdma_cm shows no port 1 for {device}")
    return equal(f"{device} default_roce_tos", port.roce_tos, tos)


def global_pause_off(netdev: str, pause, wanted: Expected) -> Verdict:
    return equal(f"{netdev} 802.3x pause (rx, tx)", (pause.rx, pause.tx),
                 Expected((wanted.value, wanted.value), wanted.source))


def rings_at_maximum(netdev: str, rings) -> Verdict:
    # layers.md L8 [S9]: microbursts overflow small rings before PFC can act, so current must equal maximum.
    return equal(f"{netdev} rings (rx, tx)", (rings.current["RX"], rings.current["TX"]),
                 Expected((rings.maximum.get("RX"), rings.maximum.get("TX")), "ethtool -g pre-set maximums"))


def lossless_buffer(node: str, netdev: str, qos, prio: Expected) -> Verdict | NotApplicable:
    """layers.md L8 "Buffers/headroom": the RoCE priority sits in a receive buffer that only PFC-enabled
    priorities share (lossy traffic in the same buffer would eat its xoff headroom), and the cable length that
    sizes the headroom is configured. Not applicable where mlnx_qos shows no prio2buffer row."""
    if not getattr(qos, "pfc_buffer", None):
        return NotApplicable(f"{netdev} on {node}: no prio2buffer row (mlnx_qos of this version or dcb fallback)")
    buffer = qos.pfc_buffer[prio.value]
    sharing = [p for p in range(8) if qos.pfc_buffer[p] == buffer]
    lossy = [p for p in sharing if not qos.pfc_enabled[p]]
    measured = f"buffer {buffer}: priorities {sharing}, cable len {qos.cable_len}"
    what = f"{netdev} receive buffer of RoCE priority {prio.value}"
    if lossy:
        return holds(what, False, measured, "PFC-only buffer", prio.source,
                     f"{netdev}: RoCE priority {prio.value} shares receive buffer {buffer} with priorities {lossy} "
                     f"that have no PFC")
    return holds(what, bool(qos.cable_len), measured, "PFC-only buffer", prio.source,
                 f"{netdev}: mlnx_qos shows no cable length, so PFC headroom is sized for a default")
