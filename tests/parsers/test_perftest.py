"""perftest client reports: exact values from the fixtures (tests/fixtures/perftest/README.md)."""

from pathlib import Path

import pytest

from bringup.parsers import ParseError, perftest

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "perftest"


def _read(name):
    return (FIX / name).read_text()


def test_write_bw_in_gbits():
    report = perftest.parse(_read("write_bw_roce_400g.out"))
    assert report.test == "RDMA_Write BW Test"
    assert report.setting("Device") == "mlx5_0"
    assert report.setting("GID index") == "3"
    assert report.setting("Link type") == "Ethernet"
    assert report.setting("Number of qps") == "4"
    (row,) = report.bandwidth
    assert (row.size, row.iterations, row.peak, row.average, row.msg_rate_mpps) == (65536, 3740862, 0.0, 392.18,
                                                                                     0.748009)
    assert row.average_gbps == 392.18


def test_cuda_preamble_and_trailer_are_skipped():
    report = perftest.parse(_read("write_bw_cuda_h100.out"))
    assert report.bandwidth[0].average == 388.14
    assert report.setting("Device") == "mlx5_0"


def test_write_lat_with_a_warning_inside_the_table():
    (row,) = perftest.parse(_read("write_lat_roce.out")).latency
    assert (row.size, row.iterations, row.t_min, row.t_typical, row.t_avg, row.p99, row.p999) == (
        2, 1000, 1.86, 1.93, 1.95, 2.21, 5.92)


def test_older_build_in_mb_per_second():
    (row,) = perftest.parse(_read("write_bw_mbsec_old.out")).bandwidth
    assert row.unit == "MB/sec"
    assert row.average_gbps == pytest.approx(11298.07 * 8 / 1000)


def test_old_latency_table_without_average_columns():
    text = " #bytes #iterations    t_min[usec]    t_max[usec]  t_typical[usec]\n 2       1000          0.91   3.02   0.94\n"
    (row,) = perftest.parse(text).latency
    assert (row.t_typical, row.t_avg) == (0.94, None)


def test_header_without_a_row_is_an_error():
    with pytest.raises(ParseError, match="did not finish"):
        perftest.parse(_read("write_bw_truncated.out"))


def test_connect_failure_text_is_an_error():
    with pytest.raises(ParseError, match="never ran"):
        perftest.parse(_read("connect_failed.err"))


def test_garbled_row_is_an_error():
    text = _read("write_bw_roce_400g.out").replace("0.748009", "0.748009 12 13")
    with pytest.raises(ParseError, match="4 or 5 columns"):
        perftest.parse(text)


def test_row_with_a_fractional_iteration_count_is_not_a_row():
    # Found by tests/parsers/test_fuzz_parsers.py: `#iterations` of 1.86 reached int() and raised a bare ValueError;
    # like any line that isn't all numbers inside the table it is not a result row, so the only row is gone.
    text = _read("write_bw_mbsec_old.out").replace(" 65536      5000   ", " 65536      1.86   ")
    with pytest.raises(ParseError) as raised:
        perftest.parse(text)
    assert str(raised.value) == "the result header has no row after it: the test did not finish (output cut short?)"
