"""OSU micro-benchmark reports: exact values from the fixtures (tests/fixtures/osu/README.md)."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from bringup import cli
from bringup.parsers import ParseError, osu

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "osu"
# Captures of runs that crashed or were cut: OSU prints no closing line, so a cut of one of these made before
# the damage reads as a healthy shorter run; tests/parsers/test_fuzz_parsers.py wants every cut of a failed capture to
# fail, so they live apart and the fuzz below compares their cuts with their partial parse instead.
FAILED = FIX.parent / "osu_failed"


def _read(name):
    return (FIX / name).read_bytes().decode()


def _read_failed(name):
    return (FAILED / name).read_bytes().decode()


def test_bw_mpi_cuda_device_buffers_datatype_after_columns():
    report = osu.parse(_read("osu_bw_cuda_dd_7.2.txt"))
    assert (report.op, report.accel, report.version, report.datatype) == ("osu_bw", "CUDA", "7.2", "MPI_CHAR")
    assert (report.buffers, report.buffer) == (("device", "device"), "device")
    assert report.rows[-1] == osu.Row(33554432, bandwidth_mbs=93130.52)
    assert report.rows[14] == osu.Row(16384, bandwidth_mbs=3857.74)


def test_bw_5x_without_datatype_line():
    report = osu.parse(_read("osu_bw_5.6.2.txt"))
    assert (report.op, report.version, report.datatype, report.buffer) == ("osu_bw", "5.6.2", None, "host")
    assert (len(report.rows), report.rows[10]) == (23, osu.Row(1024, bandwidth_mbs=1262.07))


def test_latency_with_launcher_lines_before_the_header():
    report = osu.parse(_read("osu_latency_5.0.txt"))
    assert report.op == "osu_latency" and report.columns == ["Size", "Latency (us)"]
    assert (report.rows[0], report.rows[-1]) == (osu.Row(0, latency_us=1.84), osu.Row(4194304, latency_us=497.37))


def test_latency_srun_labels_crlf_and_warnings_before_the_header():
    report = osu.parse(_read("osu_latency_cuda_dd_srun_crlf_7.4.txt"))
    assert (report.op, report.buffer, report.datatype) == ("osu_latency", "device", "MPI_CHAR")
    assert (len(report.rows), report.rows[1], report.rows[-1]) == (
        24, osu.Row(1, latency_us=2.43), osu.Row(4194304, latency_us=360.13))


def test_mbw_mr_pairs_window_and_message_rate():
    report = osu.parse(_read("osu_mbw_mr_5.7.1.txt"))
    assert (report.op, report.pairs, report.window_size) == ("osu_mbw_mr", 48, 64)
    assert report.rows[-1] == osu.Row(2048, bandwidth_mbs=99357.09, message_rate=48514205.09)


def test_one_sided_put_bw_and_get_latency():
    put = osu.parse(_read("osu_put_bw_7.3.txt"))
    assert (put.op, put.window_creation, put.synchronization) == ("osu_put_bw", "MPI_Win_allocate", "MPI_Win_flush")
    assert put.rows[-1] == osu.Row(4194304, bandwidth_mbs=24702.91)
    get = osu.parse(_read("osu_get_latency_5.6.3.txt"))
    assert (get.op, get.rows[-1]) == ("osu_get_latency", osu.Row(2048, latency_us=3.61))


def test_one_sided_memory_placement_line():
    # osu_put_latency.c: BENCHMARK "OSU MPI_Put%s Latency Test", the accelerator after the call
    text = ("# OSU MPI_Put-CUDA Latency Test v7.3\n# Window creation: MPI_Win_create\n# Synchronization: MPI_Win_lock/unlock\n"
            "# Rank 0 Memory on DEVICE (D) and Rank 1 Memory on HOST (H)\n# Size          Latency (us)\n"
            "1                       5.12\n")
    report = osu.parse(text)
    assert (report.op, report.accel, report.buffers, report.buffer) == (
        "osu_put_latency", "CUDA", ("device", "host"), "device-host")
    assert (report.window_creation, report.synchronization) == ("MPI_Win_create", "MPI_Win_lock/unlock")


def test_collective_full_columns():
    report = osu.parse(_read("osu_reduce_cuda_full_7.3.txt"))
    assert (report.op, report.accel, report.buffer) == ("osu_reduce", "CUDA", "")  # no buffer line: unknown
    assert report.rows[-1] == osu.Row(1024, latency_us=55.48, min_latency_us=24.05, max_latency_us=134.61,
                                      iterations=1000)


def test_collective_with_validation_column():
    report = osu.parse(_read("osu_allreduce_full_validation_7.4.txt"))
    assert (report.op, report.datatype) == ("osu_allreduce", "MPI_INT")
    assert report.rows[5] == osu.Row(128, latency_us=3.90, min_latency_us=3.41, max_latency_us=4.48,
                                     iterations=1000, validation="Fail")
    assert [r.validation for r in report.rows].count("Pass") == 7


def test_sizeless_barrier_with_tail_latency_columns():
    report = osu.parse(_read("osu_barrier_full_tail_7.4.txt"))
    assert report.op == "osu_barrier" and report.columns[0] == "Avg Latency(us)"
    assert report.rows == [osu.Row(0, latency_us=2.91, min_latency_us=2.64, max_latency_us=3.87, iterations=1000,
                                   extra=(("P50 Tail Lat(us)", 2.88), ("P99 Tail Lat(us)", 3.40)))]


def test_real_capture_cut_mid_row_is_incomplete():
    text = _read_failed("osu_bibw_validation_7.5_cut.txt")
    with pytest.raises(ParseError, match="incomplete: output cut mid-line: '512'"):
        osu.parse(text)
    report = osu.parse(text, partial=True)
    assert (report.op, report.complete, report.rows[-1]) == (
        "osu_bibw", False, osu.Row(256, bandwidth_mbs=170.15, validation="Pass"))


def test_crash_after_rows_quotes_the_signal_and_ignores_the_backtrace():
    text = _read_failed("osu_bibw_cuda_crash_7.5.txt")
    with pytest.raises(ParseError, match=r"incomplete: \[b5302:2889239:0:2889239\] Caught signal 7 \(Bus error"):
        osu.parse(text)
    report = osu.parse(text, partial=True)
    assert (len(report.rows), report.rows[-1]) == (13, osu.Row(4096, bandwidth_mbs=327.56))


def test_table_short_of_the_requested_max_size_is_incomplete():
    with pytest.raises(ParseError, match="stops at 2048 B, before the requested 4194304 B"):
        osu.parse(_read("osu_mbw_mr_5.7.1.txt"), max_size=4194304)
    assert osu.parse(_read("osu_bw_5.6.2.txt"), max_size=4194304).complete


def test_row_with_a_missing_column_is_an_error():
    text = _read("osu_mbw_mr_5.7.1.txt").replace("       52671979.93", "")
    with pytest.raises(ParseError, match=r"line 13: not an OSU row of columns \['Size', 'MB/s', 'Messages/s'\]"):
        osu.parse(text)


def test_header_without_rows_quotes_the_crash():
    text = "# OSU MPI Latency Test v7.4\n# Size          Latency (us)\n" \
           "mpirun noticed that process rank 1 with PID 0 on node node02 exited on signal 9 (Killed).\n"
    with pytest.raises(ParseError, match="no result rows: mpirun noticed that process rank 1"):
        osu.parse(text)


def test_no_header_is_an_error():
    with pytest.raises(ParseError, match="no OSU header line"):
        osu.parse("osu_bw: command not found\n")


def test_two_reports_in_one_output_is_an_error():
    with pytest.raises(ParseError, match="a second OSU report"):
        osu.parse(_read("osu_bw_5.6.2.txt") + _read("osu_latency_5.0.txt"))


_TEXTS = [_read("osu_allreduce_full_validation_7.4.txt"), _read_failed("osu_bibw_cuda_crash_7.5.txt"),
          _read_failed("osu_bibw_validation_7.5_cut.txt")]
_PARTIAL = [osu.parse(text, partial=True) for text in _TEXTS]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.data())
def test_fuzz_truncation_never_changes_a_value(data):
    index = data.draw(st.integers(0, len(_TEXTS) - 1))
    at = data.draw(st.integers(0, len(_TEXTS[index])))
    try:
        report = osu.parse(_TEXTS[index][:at], partial=True)
    except ParseError:
        return
    assert report.rows == _PARTIAL[index].rows[:len(report.rows)]
    if _TEXTS[index][:at].rsplit("\n", 1)[-1].strip():  # a line cut mid-way: never a complete report
        assert not report.complete


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.data(), st.one_of(st.text(max_size=60), st.binary(max_size=60).map(lambda b: b.decode("latin-1"))))
def test_fuzz_injected_garbage_is_an_error_or_harmless(data, garbage):
    index = data.draw(st.integers(0, len(_TEXTS) - 1))
    lines = _TEXTS[index].split("\n")
    lines.insert(data.draw(st.integers(0, len(lines) - 1)), garbage)
    try:
        report = osu.parse("\n".join(lines), partial=True)
    except ParseError:
        return
    assert report.rows == _PARTIAL[index].rows[:len(report.rows)]


def test_cli_parses_and_fails_loudly(capsys):
    assert cli.main(["parse", "osu", str(FIX / "osu_bw_cuda_dd_7.2.txt")]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][-1] == {
        "size": 33554432, "latency_us": None, "min_latency_us": None, "max_latency_us": None, "iterations": None,
        "bandwidth_mbs": 93130.52, "message_rate": None, "validation": None, "extra": []}
    assert cli.main(["parse", "osu", str(FAILED / "osu_bibw_cuda_crash_7.5.txt")]) == 1
    assert "Caught signal 7 (Bus error" in capsys.readouterr().err
