"""The L8 counter watch-list as a pure snapshot/diff helper (layers.md L8 "Counter watch-list").

Take a snapshot of a rail before and after a benchmark (``ethtool -S <if>`` and the RDMA port's hw
counters from ``rdma -j statistic show link <dev>/1``), diff them, and judge each moved counter by the
table below. A lossless-class drop, a pause storm or a retransmission counter that moves fails the benchmark
even when its bandwidth passes (architecture.md "Benchmarks are cluster actions"). Counter names come from
the kernel's mlx5 sources: ``en_stats.c`` / ``counters.rst`` for ethtool, ``hw/mlx5/counters.c`` for RDMA.

Verdicts: ``fail`` breaks the fabric contract; ``warn`` needs a look but can have a host-side cause;
``info`` is evidence that is expected to move under load (pauses and ECN marks on the RoCE priority).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers import ethtool_stats, rdma_statistic

# hw_counters that must stay flat on a lossless path: loss, reordering or retry storms (layers.md L8).
_RETRY = ("out_of_sequence", "packet_seq_err", "implied_nak_seq_err", "local_ack_timeout_err", "rnr_nak_retry_err",
          "duplicate_request")
_PAUSE = re.compile(r"^(rx|tx)_prio(\d)_pause$")


@dataclass(frozen=True)
class Snapshot:
    ethtool: dict[str, int] = field(default_factory=dict)
    hw: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_outputs(cls, ethtool_s: str, rdma_statistic_json: str | None = None) -> "Snapshot":
        hw: dict[str, int] = {}
        if rdma_statistic_json:
            for counters in rdma_statistic.parse(rdma_statistic_json).values():
                hw.update(counters)
        return cls(ethtool_stats.parse(ethtool_s), hw)


@dataclass(frozen=True)
class Finding:
    counter: str
    delta: int
    verdict: str  # fail | warn | info
    meaning: str

    def __str__(self) -> str:
        return f"{self.verdict}: {self.counter} +{self.delta}: {self.meaning}"


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """after - before for counters present in both; a counter missing from either side is not judged."""
    return {name: after[name] - before[name] for name in after if name in before}


def _judge_ethtool(name: str, moved: int, prio: int) -> Finding | None:
    pause = _PAUSE.match(name)
    if pause and int(pause[2]) != prio:
        return Finding(name, moved, "fail", f"PFC pause on priority {pause[2]}, not the RoCE priority {prio}: "
                                            "DSCP/priority map mismatch somewhere on the path")
    if pause or re.fullmatch(rf"(rx|tx)_prio{prio}_pause_duration", name):
        return Finding(name, moved, "info", f"back-pressure on the lossless priority {prio} (expected under incast)")
    if name in ("tx_pause_storm_warning_events", "tx_pause_storm_error_events"):
        return Finding(name, moved, "fail", "NIC pause storm: the receive path stalled"
                       + ("; the error count means pause was disabled and drops followed" if "error" in name else ""))
    if name in ("rx_discards_phy", f"rx_prio{prio}_buf_discard", f"rx_prio{prio}_cong_discard"):
        return Finding(name, moved, "fail", f"drop on the lossless class (priority {prio}): fabric contract broken")
    if name == f"rx_prio{prio}_marked":
        return Finding(name, moved, "info", "ECN-marked RoCE packets received: ECN works end to end")
    if name in ("link_down_events_phy", "rx_pcs_symbol_err_phy"):
        return Finding(name, moved, "fail", "link flapped or errors beyond FEC during the run (layers.md L3)")
    return None


def _judge_hw(name: str, moved: int) -> Finding | None:
    if name in _RETRY:
        return Finding(name, moved, "fail", "loss or reordering on a lossless path, or a retry storm")
    if name == "out_of_buffer":
        return Finding(name, moved, "warn", "receive WQE starvation (application or host side)")
    if name == "rp_cnp_ignored":
        return Finding(name, moved, "fail", "CNPs ignored by the reaction point: DCQCN config/priority mismatch")
    if name in ("np_cnp_sent", "rp_cnp_handled", "np_ecn_marked_roce_packets"):
        return Finding(name, moved, "info", "DCQCN loop active (expected under incast)")
    return None


def judge(before: Snapshot, after: Snapshot, roce_priority: int) -> list[Finding]:
    """Every watch-list counter that moved, with its verdict; counters that went backwards warn (a reset)."""
    findings: list[Finding] = []
    for source, judge_one in ((delta(before.ethtool, after.ethtool), lambda n, d: _judge_ethtool(n, d, roce_priority)),
                              (delta(before.hw, after.hw), _judge_hw)):
        for name, moved in sorted(source.items()):
            if moved < 0:
                findings.append(Finding(name, moved, "warn", "counter went backwards: reset or driver reload "
                                                             "during the run, so this diff is not trustworthy"))
            elif moved > 0 and (finding := judge_one(name, moved)):
                findings.append(finding)
    return findings


def failures(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.verdict == "fail"]


def traffic_priorities(before: Snapshot, after: Snapshot) -> dict[int, int]:
    """Bytes (rx + tx) per priority that grew during the run: layers.md L8 "proof by traffic" expects the
    RoCE priority only, so bytes on any other priority mean the DSCP -> priority map is not in effect."""
    grown: dict[int, int] = {}
    for name, moved in delta(before.ethtool, after.ethtool).items():
        match = re.fullmatch(r"(?:rx|tx)_prio(\d)_bytes", name)
        if match and moved > 0:
            grown[int(match[1])] = grown.get(int(match[1]), 0) + moved
    return grown
