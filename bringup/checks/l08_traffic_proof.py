"""Layer 8 judge of the proof by traffic (layers.md L8): the tx bytes a RoCE benchmark sent with the contract's
traffic class counted on the PFC priority.

Pure: it takes the benchmark's bandwidth figure and the priority share of the ``ethtool -S`` counters around
the run (:func:`bringup.checks.traffic.priority_share`) with the expected values, and returns the check's one
Verdict; suites/l08_host_qos/test_proof_by_traffic.py reads the benchmark record and records the verdict.
"""

from __future__ import annotations

from bringup.checks.traffic import PriorityShare
from bringup.checks.verdict import Verdict, decisive, holds
from bringup.expect import Expected


def rides_pfc_priority(node: str, netdev: str, gbps: float, share: PriorityShare, prio: Expected,
                       wanted: Expected) -> Verdict:
    """At least ``wanted`` of the tx bytes on the PFC priority. Not all: ssh, LLDP and ARP ride priority 0 on
    the same port meanwhile (policy.yml traffic_proof_min_share). A run that moved nothing proves nothing, so
    it fails first."""
    what = f"{netdev} share of tx bytes on priority {prio.value}"
    measured, reference = round(share.share, 4), f">= {wanted.value} on priority {prio.value}"
    moved = holds(what, gbps > 0, measured, reference, wanted.source,
                  f"{netdev}: the perftest moved no data ({gbps} Gb/s)")
    on_priority = holds(what, share.share >= wanted.value, measured, reference, wanted.source,
                        f"{netdev} on {node}: only {share.share:.1%} of the tx bytes of a {gbps:.1f} Gb/s RDMA write "
                        f"with the contract's traffic class left on priority {prio.value} ({prio.source}); the most "
                        f"went on priority {share.busiest} (bytes per priority: {share.deltas}); wanted >= "
                        f"{wanted.value:.0%} ({wanted.source})")
    return decisive(moved, on_priority)
