"""iperf3 -J client reports: exact values from real captures (tests/fixtures/iperf3/README.md)."""

from pathlib import Path

import pytest

from bringup.bench import rows
from bringup.parsers import ParseError, iperf3, registry

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "iperf3"


def _parse(name):
    return iperf3.parse((FIX / name).read_text())


def test_lab_rail_pair_totals_and_stream():
    report = _parse("lab_rail1_node01_to_node02.json")
    assert (report.version, report.protocol, report.num_streams, report.duration, report.blksize, report.reverse) == (
        "iperf 3.12", "TCP", 1, 3.0, 131072, False)
    assert (report.local_host, report.remote_host) == ("198.18.1.11", "198.18.1.12")
    assert (report.received_bytes, report.received_bps, report.seconds) == (2912157696, 7731239027.89978, 3.013393)
    assert (report.sent_bytes, report.sent_bps, report.retransmits) == (2918187008, 7781637480.396324, 21)
    assert report.received_gbps == pytest.approx(7.73123903)
    (stream,) = report.streams
    assert (stream.socket, stream.received_bytes, stream.retransmits) == (5, 2912157696, 21)


def test_throttled_rail_reads_its_low_figure():
    report = _parse("lab_rail1_throttled_node02_to_node01.json")
    assert (report.local_host, report.received_bps, report.retransmits) == ("198.18.1.12", 49597079.645196, 0)
    assert report.received_gbps < 0.05  # tbf rate 50 Mbit/s (bringup/lab/faults.py)


def test_public_crlf_capture_with_nothing_received():
    report = _parse("public_cloudpilot_bytes_10k.json")
    assert (report.version, report.duration, report.sent_bytes, report.received_bytes) == ("iperf 3.9", 0.0, 265608, 0)
    assert report.sent_bps == 8303526.0004923819


def test_connection_refused_is_an_error_quoting_iperf3():
    with pytest.raises(ParseError, match="iperf3 failed: unable to connect to server: Connection refused"):
        _parse("lab_connection_refused.json")


def test_cut_document_is_an_error_naming_the_last_line():
    with pytest.raises(ParseError, match=r"ends before the document closes .*0\.323972"):
        _parse("public_cloudpilot_truncated.json")


@pytest.mark.parametrize("text,message", [
    ("", "empty output"),
    ("[1, 2]\n", "not an object"),
    ('{"start": {"test_start": {}}, "end": {"sum_sent": {"bytes": 1, "bits_per_second": 8}}}\n', "end.sum_received"),
    ('{"start": {"test_start": {}}, "end": {"sum_sent": {"bytes": 1, "bits_per_second": 8},'
     ' "sum_received": {"bytes": 1, "seconds": 1, "bits_per_second": "fast"}}}\n', "bits_per_second is not a finite number"),
    ('{"start": {"test_start": {}}, "end": {} oops}\n', "broken at line 1"),
])
def test_bad_documents(text, message):
    with pytest.raises(ParseError, match=message):
        iperf3.parse(text)


def test_registered_for_bringup_parse():
    assert registry()["iperf3"] is iperf3.parse


def test_results_row_is_the_received_figure_in_gbps():
    frame = rows.iperf3_rows(_parse("lab_rail1_node01_to_node02.json"), case="iperf3-rail@node01:rail1+node02:rail1",
                             subject="node01:rail1+node02:rail1")
    (row,) = frame.to_dict(orient="records")
    assert (row["benchmark"], row["op"], row["size"], row["metric"], row["unit"], row["valid"]) == (
        "iperf3", "iperf3_tcp", 131072, "bandwidth", "Gb/s", True)
    assert row["value"] == pytest.approx(7.73123903)


def test_results_row_of_an_empty_transfer_is_invalid():
    frame = rows.iperf3_rows(_parse("public_cloudpilot_bytes_10k.json"), case="c", subject="a+b")
    assert not frame["valid"].iloc[0]
    assert frame["invalid_reason"].iloc[0] == "the server received 0 bytes of 265608 sent"
