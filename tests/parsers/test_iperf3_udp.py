"""bringup.parsers.iperf3_udp on real iperf 3.12 reports (tests/fixtures/iperf3_udp, provenance in its README)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bringup.parsers import ParseError, iperf3_udp, registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_received_figures_of_a_2g_udp_test():
    report = iperf3_udp.parse((FIXTURES / "iperf3_udp" / "loopback_2g.json").read_text())
    assert report == iperf3_udp.UdpReport("iperf 3.12", 487257314.0773457, 13017, 19909, "sum_received")
    assert round(report.received_gbps, 3) == 0.487
    assert registry()["iperf3_udp"] is iperf3_udp.parse


def test_a_pre_3_11_client_has_only_sum():
    # iperf < 3.11 prints no sum_received for UDP (esnet/iperf PR #1174): the sender's `sum` is all there is
    data = json.loads((FIXTURES / "iperf3_udp" / "loopback_2g.json").read_text())
    del data["end"]["sum_sent"], data["end"]["sum_received"]
    report = iperf3_udp.parse(json.dumps(data, indent="\t") + "\n")
    assert (report.summary, report.received_bps) == ("sum", data["end"]["sum"]["bits_per_second"])


@pytest.mark.parametrize(("source", "message"), [
    ("iperf3_udp/loopback_connection_refused.json", "iperf3 failed: unable to connect to server: Connection refused"),
    ("iperf3/lab_rail1_node01_to_node02.json", "iperf3 JSON of a 'TCP' test, not UDP (-u)"),
])
def test_a_failed_run_or_a_tcp_report_is_refused(source, message):
    with pytest.raises(ParseError) as err:
        iperf3_udp.parse((FIXTURES / source).read_text())
    assert str(err.value) == message


def test_a_cut_report_is_refused():
    text = (FIXTURES / "iperf3_udp" / "loopback_2g.json").read_text()
    with pytest.raises(ParseError, match="JSON broken"):
        iperf3_udp.parse(text[: len(text) // 2])
