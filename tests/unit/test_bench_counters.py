"""The L8 counter watch-list diff (bringup/bench/counters.py) on ethtool -S / rdma statistic snapshots."""

import json

import pytest

from bringup.bench.counters import Finding, Snapshot, delta, failures, judge, traffic_priorities
from bringup.parsers import ParseError
from tests.parsers.platform_fixtures import fixture

BEFORE = {"rx_prio0_bytes": 1000, "rx_prio3_bytes": 5000, "tx_prio3_bytes": 4000, "rx_prio3_pause": 10,
          "rx_prio0_pause": 0, "tx_pause_storm_error_events": 0, "rx_prio3_buf_discard": 0, "rx_prio3_marked": 0,
          "link_down_events_phy": 1, "rx_pcs_symbol_err_phy": 0}
HW = {"out_of_sequence": 0, "packet_seq_err": 0, "np_cnp_sent": 5, "rp_cnp_handled": 4, "rp_cnp_ignored": 0,
      "out_of_buffer": 0}


def _after(**changes):
    ethtool = dict(BEFORE)
    hw = dict(HW)
    for name, value in changes.items():
        (hw if name in HW else ethtool)[name] = value
    return Snapshot(ethtool, hw)


def test_healthy_incast_is_only_info():
    after = _after(rx_prio3_bytes=9_000_000, tx_prio3_bytes=8_000_000, rx_prio3_pause=42, rx_prio3_marked=120,
                   np_cnp_sent=90, rp_cnp_handled=80)
    findings = judge(Snapshot(BEFORE, HW), after, roce_priority=3)
    assert failures(findings) == []
    assert {f.counter for f in findings} == {"rx_prio3_pause", "rx_prio3_marked", "np_cnp_sent", "rp_cnp_handled"}
    assert traffic_priorities(Snapshot(BEFORE, HW), after) == {3: 9_000_000 - 5000 + 8_000_000 - 4000}


def test_pause_on_other_priority_fails():
    (finding,) = judge(Snapshot(BEFORE, HW), _after(rx_prio0_pause=7), roce_priority=3)
    assert (finding.counter, finding.delta, finding.verdict) == ("rx_prio0_pause", 7, "fail")
    assert "not the RoCE priority 3" in finding.meaning


@pytest.mark.parametrize("counter", ["tx_pause_storm_error_events", "rx_prio3_buf_discard", "link_down_events_phy",
                                     "rx_pcs_symbol_err_phy", "out_of_sequence", "packet_seq_err", "rp_cnp_ignored"])
def test_contract_breakers_fail(counter):
    base = {**BEFORE, **HW}
    findings = judge(Snapshot(BEFORE, HW), _after(**{counter: base[counter] + 3}), roce_priority=3)
    assert [(f.counter, f.delta, f.verdict) for f in findings] == [(counter, 3, "fail")]


def test_out_of_buffer_warns_and_reset_warns():
    findings = judge(Snapshot(BEFORE, HW), _after(out_of_buffer=2, rx_prio3_pause=0), roce_priority=3)
    assert [(f.counter, f.verdict) for f in findings] == [("rx_prio3_pause", "warn"), ("out_of_buffer", "warn")]
    assert "went backwards" in findings[0].meaning


def test_traffic_on_wrong_priority_is_visible():
    after = _after(rx_prio0_bytes=7_000_000)
    assert traffic_priorities(Snapshot(BEFORE, HW), after) == {0: 7_000_000 - 1000}


def test_delta_ignores_counters_missing_on_one_side():
    assert delta({"a": 1, "b": 2}, {"b": 5, "c": 9}) == {"b": 3}


def test_snapshot_from_real_outputs():
    rdma = fixture("rdma_statistic", "cx7.json")
    snap = Snapshot.from_outputs(fixture("ethtool_stats", "mlx5.txt"), rdma)
    assert snap.ethtool["rx_prio3_pause"] == 318 and snap.hw["np_cnp_sent"] == 118
    later = json.loads(rdma)
    later[0]["local_ack_timeout_err"] = 2
    findings = judge(snap, Snapshot.from_outputs(fixture("ethtool_stats", "mlx5.txt"), json.dumps(later)), 3)
    assert findings == [Finding("local_ack_timeout_err", 2, "fail",
                                "loss or reordering on a lossless path, or a retry storm")]


def test_truncated_snapshot_raises():
    with pytest.raises(ParseError):
        Snapshot.from_outputs("NIC statistics:\n     rx_packets: 1\n     rx_by")
