"""nccl-tests result tables: exact values from the fixtures (tests/fixtures/nccl_tests/README.md)."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bringup import cli
from bringup.parsers import ParseError, nccl_tests

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "nccl_tests"
COLLECTIVES = ["all_reduce", "all_gather", "reduce_scatter", "alltoall", "broadcast", "reduce", "sendrecv", "gather",
               "scatter", "hypercube"]


def _read(name):
    return (FIX / name).read_bytes().decode()


def test_real_gh200_capture_wrong_counts_and_missing_footer():
    text = _read("gh200_wrong_2.17.9.txt")
    with pytest.raises(ParseError, match="incomplete: the table stops before its 'Out of bounds values'"):
        nccl_tests.parse(text)
    result = nccl_tests.parse(text, partial=True)
    assert (result.version, result.nccl_headers, result.nccl_library, result.op) == ("2.17.9", 22902, 22902,
                                                                                    "all_reduce")
    assert result.header == nccl_tests.Header(1, 1, 1, 134217728, 2, "factor", 1, 20, 1, 1, 0, None)
    assert result.ranks[12] == nccl_tests.Rank(12, 0, 93770, "gpu-1-51", 0, "0009:01:00", "NVIDIA GH200 120GB")
    assert len(result.ranks) == 16 and len(result.rows) == 28 and result.complete is False
    row = next(r for r in result.rows if r.size == 4194304)
    assert (row.count, row.type, row.redop, row.root) == (4194304, "int8", "sum", -1)
    assert row.out_of_place == nccl_tests.Measure(9489.31, 0.44, 0.83, wrong=96817.0)
    assert row.in_place == nccl_tests.Measure(10542.7, 0.40, 0.75, wrong=124342.0)


def test_real_gb200_excerpt_overflowing_time_and_footer():
    result = nccl_tests.parse(_read("gb200_nvl72_excerpt.txt"))
    assert result.ranks == [nccl_tests.Rank(71, 0, 14840, "slurm-gb200-207-171", 3, "0x01", "NVIDIA Graphics Device")]
    row = next(r for r in result.rows if r.size == 4294967296)
    assert row.out_of_place == nccl_tests.Measure(10094.0, 425.49, 839.16, wrong=0.0)  # "%7.0f" past 10 ms
    assert (result.out_of_bounds, result.out_of_bounds_ok, result.avg_busbw, result.avg_busbw_verdict) == (
        0, True, 745.53, None)
    assert result.complete and result.op is None  # the excerpt starts after "# Collective test starting"


def test_real_alltoall_capture_overflowing_bandwidth_and_mixed_na():
    result = nccl_tests.parse(_read("alltoall_rtx5090_issue287.txt"))
    assert result.header.step_kind == "bytes" and result.header.step == 1048576
    (row,) = result.rows
    assert (row.size, row.count, row.redop) == (33554432, 8388608, "none")
    assert row.out_of_place == nccl_tests.Measure(19.56, 1715.44, 0.0, wrong=0.0)  # "%6.2f" wider than 6
    assert row.in_place == nccl_tests.Measure(0.78, 43046.10, 0.0)  # N/A on the in-place half only
    assert (result.out_of_bounds, result.avg_busbw) == (0, 0.0)


def test_real_old_layout_capture():
    result = nccl_tests.parse(_read("all_reduce_old_layout_npkit19_excerpt.txt"), partial=True)
    assert (result.layout, result.header.validation, result.header.agg_iters) == ("error", 1, None)
    assert result.ranks[2] == nccl_tests.Rank(2, None, 20143, "gpu9", 2, "0xb1", "NVIDIA GeForce RTX 2080 Ti")
    first = result.rows[0]
    assert (first.size, first.count, first.type, first.redop, first.root) == (8, 2, "float", "sum", None)
    assert first.out_of_place == nccl_tests.Measure(40.17, 0.0, 0.0, error=1e-07)
    assert first.in_place == nccl_tests.Measure(62.08, 0.0, 0.0, error=0.0)


def test_real_tag_output_capture_with_trailing_blanks():
    result = nccl_tests.parse(_read("all_reduce_p5_tag_output_excerpt.txt"), partial=True)
    assert [r.size for r in result.rows] == [8, 16, 32] and not result.complete
    assert result.rows[2].out_of_place == nccl_tests.Measure(22.25, 0.0, 0.0, wrong=0.0)


def test_real_version_line_with_git_hash():
    result = nccl_tests.parse(_read("all_reduce_gb10_2.20.0_excerpt.txt"), partial=True)
    assert (result.version, result.nccl_headers, result.header.unalign) == ("2.20.0", 23102, 0)
    assert result.ranks[1] == nccl_tests.Rank(1, 0, 1669515, "spark-dbf4", 0, "000f:01:00", "NVIDIA GB10")
    assert result.rows[-1].in_place == nccl_tests.Measure(64.71, 1.01, 1.01, wrong=0.0)


@pytest.mark.parametrize("op", COLLECTIVES)
def test_every_collective_binary(op):
    result = nccl_tests.parse(_read(f"{op}_2node.txt"))
    assert result.op == op and result.complete and len(result.ranks) == 16
    last = result.rows[-1]
    assert last.redop == ("sum" if op in ("all_reduce", "reduce_scatter", "reduce", "sendrecv") else "none")
    assert last.root == (0 if op in ("broadcast", "reduce", "gather", "scatter") else -1)
    assert last.out_of_place.busbw > 340 and last.in_place.busbw > 340


def test_all_reduce_exact_row_and_footer():
    result = nccl_tests.parse(_read("all_reduce_2node.txt"))
    last = result.rows[-1]
    assert (last.size, last.count) == (8589934592, 2147483648)
    assert last.out_of_place == nccl_tests.Measure(44759.2, 191.91, 359.84, wrong=0.0)
    assert last.in_place == nccl_tests.Measure(45211.2, 190.00, 356.24, wrong=0.0)
    assert (result.out_of_bounds, result.avg_busbw) == (0, 134.44)


def test_size_zero_row_of_all_gather():
    first = nccl_tests.parse(_read("all_gather_2node.txt")).rows[0]
    assert (first.size, first.count, first.out_of_place.algbw) == (0, 0, 0.0)


def test_sendrecv_without_validation_reads_na_as_none():
    result = nccl_tests.parse(_read("sendrecv_2node.txt"))
    assert result.header.validation == 0
    assert {r.in_place.wrong for r in result.rows} == {None}


def test_wrong_count_printed_with_g_overflows_its_column():
    result = nccl_tests.parse(_read("all_reduce_wrong_overflow.txt"))
    row = next(r for r in result.rows if r.size == 33554432)
    assert (row.out_of_place.wrong, row.in_place.wrong) == (4194300.0, 2097150.0)  # "%6g": 4.1943e+06
    assert row.out_of_place.busbw == 323.03
    assert (result.out_of_bounds, result.out_of_bounds_ok) == (3, False)


def test_old_layout_without_root_and_with_error_column():
    result = nccl_tests.parse(_read("all_reduce_old_error_layout.txt"))
    assert result.layout == "error" and result.version is None and result.op is None
    assert result.header.agg_iters is None and result.header.validation == 1
    assert result.ranks[3] == nccl_tests.Rank(3, None, 1823, "dgx01", 3, "0x5d", "Tesla V100-SXM2-32GB")
    row = result.rows[-1]
    assert (row.size, row.root) == (134217728, None)
    assert row.out_of_place == nccl_tests.Measure(1826.8, 73.47, 128.58, error=1e-07)


def test_srun_labels_and_nccl_lines_inside_the_table():
    result = nccl_tests.parse(_read("all_reduce_srun_l.txt"))
    plain = nccl_tests.parse(_read("all_reduce_2node.txt").replace("maxBytes 8589934592", "maxBytes 134217728"),
                             partial=True)
    assert result.rows == plain.rows[:len(result.rows)] and len(result.rows) == 25
    assert result.warnings[0].startswith("NET/IB : Got completion from peer 10.0.0.1<52311> with status=12")


LOG = "node01:40000:40090 [0] NCCL INFO Channel 00/0 : 0[0] -> 8[0] [send] via NET/IB/0/GDRDMA"
WARN = "node01:40000:40090 [0] transport/net_ib.cc:1011 NCCL WARN NET/IB : mlx5_3:1 async event: port error"


def _split_row(text: str, size: int, how: str) -> str:
    """The row of ``size`` cut by NCCL's own log lines the way stdout interleaves them."""
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.split()[:1] == [str(size)])
    row = lines[i]
    lead, oop, ip = row[:52], row[52:84], row[84:]  # "%12li  %12li  %8s  %6s  %6s", then two 32-char halves
    if how == "glued":  # preamble, out-of-place half and in-place half each end where NCCL printed a line
        lines[i:i + 1] = [lead + LOG, oop + WARN, ip]
    else:  # the preamble flushed alone, log lines, then the figures
        lines[i:i + 1] = [lead, LOG, LOG, oop + ip]
    return "\n".join(lines)


@pytest.mark.parametrize("how", ["glued", "alone"])
def test_row_split_by_nccl_log_lines(how):
    text = _read("all_reduce_2node.txt")
    result = nccl_tests.parse(_split_row(text, 1048576, how))
    assert result.rows == nccl_tests.parse(text).rows
    assert result.warnings == (["NET/IB : mlx5_3:1 async event: port error"] if how == "glued" else [])


def test_row_split_by_log_lines_and_never_finished_is_an_error():
    text = _read("all_reduce_2node.txt")
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.split()[:1] == ["8589934592"])
    lines[i] = lines[i][:52] + LOG
    with pytest.raises(ParseError, match=r"line 56: a result row split by NCCL log lines never completed: "
                                         r"'8589934592 +2147483648 +float +sum +-1'"):
        nccl_tests.parse("\n".join(lines))


def test_mpirun_tag_output_prefix_and_crlf():
    result = nccl_tests.parse(_read("all_reduce_tag_output.txt"))
    srun = nccl_tests.parse(_read("all_reduce_srun_l.txt"))
    assert result.rows == srun.rows and result.ranks == srun.ranks and result.avg_busbw == 81.1356


def test_prefix_with_leading_blanks_as_quoted_in_logs():
    text = "".join(f"        [1,0]<stdout>:{line}\n" for line in _read("gb200_nvl72_excerpt.txt").splitlines())
    assert nccl_tests.parse(text).rows == nccl_tests.parse(_read("gb200_nvl72_excerpt.txt")).rows


def test_four_digit_rank_counts_and_elided_device_lines():
    lines = ["#  Rank %2d Group  0 Pid %6d on %10s device %2d [0000:18:00] NVIDIA H100 80GB HBM3" % (
        r, 5000 + r, f"node{r // 8:03d}", r % 8) for r in range(1440)]
    lines.insert(9, "#  Rank  9 Group  0 Pid   5009 on     node001 dev...")
    text = "\n".join(lines) + "\n" + _read("gb200_nvl72_excerpt.txt").split("\n", 1)[1]
    result = nccl_tests.parse(text)
    assert result.ranks[-1] == nccl_tests.Rank(1439, 0, 6439, "node179", 7, "0000:18:00", "NVIDIA H100 80GB HBM3")
    assert result.ranks_elided and len(result.ranks) == 1440


def test_json_output():
    result = nccl_tests.parse(_read("all_reduce_json.json"))
    assert (result.layout, result.op, result.nccl_library, result.complete) == ("json", "all_reduce", 22903, True)
    assert result.header == nccl_tests.Header(1, 1, 8, 1024, 2, "factor", 5, 20, 1, 1, 0)
    assert result.ranks[9] == nccl_tests.Rank(9, 0, 40009, "node02", 1, "0000:2a:00", "NVIDIA H100 80GB HBM3")
    row = result.rows[-1]
    assert (row.size, row.count, row.root) == (1024, 256, -1)
    assert row.out_of_place == nccl_tests.Measure(20.005333, 0.051186, 0.095974, wrong=0.0)
    assert (result.out_of_bounds_ok, result.avg_busbw, result.avg_busbw_verdict) == (True, 0.0123, None)


def test_cut_json_is_an_error():
    with pytest.raises(ParseError, match="not valid JSON"):
        nccl_tests.parse(_read("all_reduce_json.json")[:-200])


def test_nccl_failure_is_an_error_quoting_the_cause():
    with pytest.raises(ParseError, match=r"no result rows: node02: Test NCCL failure common.cu:1279 'unhandled "
                                         r"system error .*Network is unreachable"):
        nccl_tests.parse(_read("aborted_nccl_failure.txt"))


def test_real_capture_of_a_run_dying_after_its_rows():
    # the quote starts at the units line, so its rows have no column header to be read against
    with pytest.raises(ParseError, match=r"no result rows: HCA-128: Test NCCL failure common.cu:1204 'unhandled cuda "
                                         r"error \(run with NCCL_DEBUG=INFO for details\) / '; \.\. HCA-128 pid 757466"):
        nccl_tests.parse(_read("aborted_after_rows_issue322_excerpt.txt"))


def test_not_enough_slots_is_an_error_quoting_mpirun():
    with pytest.raises(ParseError, match="There are not enough slots available in the system to satisfy the 16"):
        nccl_tests.parse(_read("aborted_not_enough_slots.txt"))


def test_killed_run_is_incomplete_never_silent():
    text = _read("all_reduce_killed.txt")
    with pytest.raises(ParseError, match=r"incomplete: .*\(last size 134217728\)"):
        nccl_tests.parse(text)
    result = nccl_tests.parse(text, partial=True)
    assert (result.complete, len(result.rows), result.out_of_bounds) == (False, 25, None)


def test_abort_after_rows_is_incomplete_with_the_cause():
    text = _read("all_reduce_killed.txt") + "node01: Test NCCL failure common.cu:1279 'remote process exited'\n"
    with pytest.raises(ParseError, match="incomplete: node01: Test NCCL failure common.cu:1279"):
        nccl_tests.parse(text)


def test_backtrace_after_a_failure_quotes_the_failure():
    text = _read("all_reduce_killed.txt") + "[node01:40000] *** Process received signal ***\n" \
        "node01: Test NCCL failure common.cu:1279 'unhandled cuda error'\n0 0x0000000000042520 __sigaction()  ???:0\n"
    with pytest.raises(ParseError, match="incomplete: node01: Test NCCL failure common.cu:1279 'unhandled cuda error'"):
        nccl_tests.parse(text)


def test_row_cut_mid_way_is_dropped_not_shortened():
    text = _read("all_reduce_2node.txt")
    cut = text[:text.index("359.84") + 4]  # "...  359.8" of the last row, no newline
    result = nccl_tests.parse(cut, partial=True)
    assert result.rows[-1].size == 4294967296 and not result.complete
    assert "output cut mid-line" in result.cause


def test_row_missing_columns_inside_the_table_is_an_error():
    text = _read("all_reduce_2node.txt").replace("      0    20.00    0.00    0.00       0\n", "\n", 1)
    with pytest.raises(ParseError, match=r"line 26: not a nccl-tests result row"):
        nccl_tests.parse(text)


def test_garbled_number_is_an_error():
    text = _read("all_reduce_2node.txt").replace("359.84", "35x.84")
    with pytest.raises(ParseError, match="not a nccl-tests result row"):
        nccl_tests.parse(text)


def test_unreadable_device_line_is_an_error():
    text = _read("all_reduce_2node.txt").replace("Pid  40003 on", "Pid  4000x on")
    with pytest.raises(ParseError, match="unreadable nccl-tests device line"):
        nccl_tests.parse(text)


def test_not_nccl_tests_output():
    with pytest.raises(ParseError, match="no result rows: no nccl-tests result table"):
        nccl_tests.parse("hello\n")


_COMPLETE = nccl_tests.parse(_read("all_reduce_srun_l.txt"))
_TEXT = _read("all_reduce_srun_l.txt")


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(_TEXT)))
def test_fuzz_truncation_never_changes_a_value(at):
    try:
        result = nccl_tests.parse(_TEXT[:at], partial=True)
    except ParseError:
        return
    assert result.rows == _COMPLETE.rows[:len(result.rows)]
    assert result.complete == (result.rows == _COMPLETE.rows and result.avg_busbw == _COMPLETE.avg_busbw)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.integers(min_value=0, max_value=_TEXT.count("\n")),
       st.one_of(st.text(max_size=60), st.binary(max_size=60).map(lambda b: b.decode("latin-1"))))
def test_fuzz_injected_garbage_is_an_error_or_harmless(line, garbage):
    lines = _TEXT.split("\n")
    lines.insert(line, garbage)
    try:
        result = nccl_tests.parse("\n".join(lines), partial=True)
    except ParseError:
        return
    assert result.rows == _COMPLETE.rows[:len(result.rows)]


def _current_layout(per_iter: bool, timestamp: bool, rows: list[str]) -> str:
    """A table in src/util.cu writeResultHeader's per-iteration (-R) / timestamp layouts, rows as given."""
    ts_label, pad = ("timestamp", 19) if timestamp else ("", 0)
    if per_iter:
        names = ("size", "count", "type", "redop", "root", "time", "algbw", "busbw", "#wrong", "i_min", "i_max",
                 "i_p99", "i_cv%", "time", "algbw", "busbw", "#wrong", "i_min", "i_max", "i_p99", "i_cv%")
        fmt = "# %10s  %12s  %8s  %6s  %6s  %7s  %6s  %6s  %6s  %7s  %7s  %7s  %7s  %7s  %6s  %6s  %6s  %7s  %7s  " \
              "%7s  %7s %*s"
    else:
        names = ("size", "count", "type", "redop", "root", "time", "algbw", "busbw", "#wrong", "time", "algbw",
                 "busbw", "#wrong")
        fmt = "# %10s  %12s  %8s  %6s  %6s  %7s  %6s  %6s  %6s  %7s  %6s  %6s  %6s %*s"
    header = fmt % (*names, pad, ts_label)
    return "\n".join(["#", header, *rows, "# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 1.5 ", "#", ""])


def test_per_iteration_columns():
    row = "%12li  %12li  %8s  %6s  %6s" % (1048576, 262144, "float", "sum", "    -1") + \
        "  %7s  %6s  %6s  %6g  %7s  %7s  %7s  %7s" % ("  27.76", " 37.78", " 66.11", 0, "  26.10", "  31.02", "  30.55",
                                                    "   4.12") + \
        "  %7s  %6s  %6s  %6g  %7s  %7s  %7s  %7s" % ("  27.49", " 38.15", " 66.76", 0, "  26.02", "  29.80", "  29.61",
                                                    "   3.90")
    (parsed,) = nccl_tests.parse(_current_layout(True, False, [row])).rows
    assert parsed.out_of_place == nccl_tests.Measure(27.76, 37.78, 66.11, wrong=0.0)
    assert parsed.in_place == nccl_tests.Measure(27.49, 38.15, 66.76, wrong=0.0)


def test_timestamp_column_and_in_place_only_row():
    full = "%12li  %12li  %8s  %6s  %6s" % (8, 2, "float", "sum", "    -1") + \
        "  %7s  %6s  %6s  %6g" % ("  12.90", "  0.00", "  0.00", 0) * 2 + "%21s" % "2026-12-04 03:10:02"
    blank = "%12li  %12li  %8s  %6s  %6s" % (16, 4, "float", "sum", "    -1") + " " * 32 + \
        "  %7s  %6s  %6s  %6g" % ("  12.83", "  0.00", "  0.00", 0) + "%21s" % "2026-12-04 03:10:03"
    first, second = nccl_tests.parse(_current_layout(False, True, [full, blank])).rows
    assert first.out_of_place == first.in_place == nccl_tests.Measure(12.90, 0.0, 0.0, wrong=0.0)
    assert (second.size, second.out_of_place, second.in_place.time_us) == (16, None, 12.83)


def test_error_column_with_root_column():
    # the releases between: root added, error not yet replaced by #wrong (src/common.cu "%5s" error headers)
    header = "# %10s  %12s  %6s  %6s  %6s  %7s  %6s  %6s  %5s  %7s  %6s  %6s  %5s" % (
        "size", "count", "type", "redop", "root", "time", "algbw", "busbw", "error", "time", "algbw", "busbw", "error")
    row = "%12li  %12li  %6s  %6s  %6i" % (1048576, 262144, "float", "sum", -1) + \
        "  %7s  %6.2f  %6.2f  %5.0le" % ("  27.76", 37.78, 66.11, 2e-07) + "  %7s  %6.2f  %6.2f  %5s" % (
            "  27.49", 38.15, 66.76, "N/A")
    text = "\n".join(["#", header, row, "# Out of bounds values : 0 OK", "# Avg bus bandwidth    : 66.4 ", "#", ""])
    (parsed,) = nccl_tests.parse(text).rows
    assert (parsed.root, parsed.out_of_place, parsed.in_place) == (
        -1, nccl_tests.Measure(27.76, 37.78, 66.11, error=2e-07), nccl_tests.Measure(27.49, 38.15, 66.76))


def test_cli_parses_and_fails_loudly(capsys):
    assert cli.main(["parse", "nccl-tests", str(FIX / "all_reduce_2node.txt")]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][-1]["out_of_place"]["busbw"] == 359.84
    assert cli.main(["parse", "nccl-tests", str(FIX / "aborted_not_enough_slots.txt")]) == 1
    assert "There are not enough slots available" in capsys.readouterr().err
