"""bench.rows: parser results -> the contract's results rows (notes/bench_contract.md), exact values."""

from pathlib import Path

import pytest

from bringup.bench.rows import COLUMNS, nccl_rows, osu_rows
from bringup.parsers import nccl_tests, osu

FIX = Path(__file__).resolve().parents[1] / "fixtures"


def _nccl(name, partial=False):
    return nccl_tests.parse((FIX / "nccl_tests" / name).read_text(), partial=partial)


def _osu(name, partial=False, folder="osu"):
    return osu.parse((FIX / folder / name).read_text(), partial=partial)


def test_nccl_rows_columns_and_exact_figures():
    df = nccl_rows(_nccl("all_reduce_2node.txt"), case="nccl-all_reduce-ring@node01+node02",
                   subject="node01+node02", algo="Ring")
    assert list(df.columns) == COLUMNS and len(df) == 31 * 4
    big = df[df["size"] == 8589934592].set_index("metric")["value"].to_dict()
    assert big == {"busbw": 359.84, "algbw": 191.91, "busbw_inplace": 356.24, "algbw_inplace": 190.00}
    first = df.iloc[0].to_dict()
    assert {k: first[k] for k in ("benchmark", "op", "nodes", "gpus_per_node", "algo", "buffer", "unit", "valid")} == {
        "benchmark": "nccl-tests", "op": "all_reduce", "nodes": 2, "gpus_per_node": 8, "algo": "Ring", "buffer": "",
        "unit": "GB/s", "valid": True}
    assert df["valid"].all() and (df["invalid_reason"] == "").all()


def test_nccl_wrong_and_out_of_bounds_make_rows_invalid():
    df = nccl_rows(_nccl("all_reduce_wrong_overflow.txt"), case="c", subject="node01+node02")
    row = df[(df["size"] == 33554432) & (df["metric"] == "busbw")].iloc[0]
    assert (row["value"], row["valid"]) == (323.03, False)
    assert row["invalid_reason"] == "#wrong 4.1943e+06 out-of-place; Out of bounds values 3 FAILED"
    assert not df["valid"].any()  # OOB FAILED spoils the whole run


def test_nccl_incomplete_table_rows_are_invalid():
    df = nccl_rows(_nccl("gh200_wrong_2.17.9.txt", partial=True), case="c", subject="gpu-1-43+gpu-1-51")
    assert (df["nodes"].iloc[0], df["gpus_per_node"].iloc[0]) == (4, 4)
    assert not df["valid"].any()
    assert df["invalid_reason"].iloc[0].startswith("incomplete table: the table stops before")


def test_nccl_healthy_rows_of_a_run_with_some_wrong_sizes():
    text = (FIX / "nccl_tests" / "gh200_wrong_2.17.9.txt").read_text()
    result = nccl_tests.parse(text + "# Out of bounds values : 0 OK\n# Avg bus bandwidth    : 9.1 \n")
    df = nccl_rows(result, case="c", subject="s")
    valid = df.groupby("size")["valid"].all()
    assert not valid[2097152] and valid[1048576] and valid[134217728]
    reason = df[(df["size"] == 67108864) & (df["metric"] == "busbw_inplace")]["invalid_reason"].iloc[0]
    assert reason == ""  # only the out-of-place half of that size was wrong


def test_nccl_old_layout_needs_the_op():
    result = _nccl("all_reduce_old_error_layout.txt")
    with pytest.raises(ValueError, match="names no collective"):
        nccl_rows(result, case="c", subject="s")
    df = nccl_rows(result, case="c", subject="s", op="all_reduce")
    assert (df["op"].iloc[0], df["nodes"].iloc[0], df["gpus_per_node"].iloc[0]) == ("all_reduce", 1, 8)


def test_nccl_table_mixing_types_is_refused():
    text = (FIX / "nccl_tests" / "gb200_nvl72_excerpt.txt").read_text()
    mixed = text.replace("  8589934592    2147483648     float", "  8589934592    4294967296      half", 1)
    with pytest.raises(ValueError, match=r"mixes data types / reductions \[\('float', 'sum'\), \('half', 'sum'\)\]"):
        nccl_rows(nccl_tests.parse(mixed), case="c", subject="s", op="all_reduce", nodes=2, gpus_per_node=4)


def test_osu_bandwidth_rows():
    df = osu_rows(_osu("osu_bw_cuda_dd_7.2.txt"), case="osu-bw-dd@node01+node02", subject="node01+node02")
    assert list(df.columns) == COLUMNS and len(df) == 26
    last = df.iloc[-1].to_dict()
    assert {k: last[k] for k in ("op", "size", "metric", "value", "unit", "buffer", "nodes", "valid")} == {
        "op": "osu_bw", "size": 33554432, "metric": "bandwidth", "value": 93130.52, "unit": "MB/s",
        "buffer": "device", "nodes": 2, "valid": True}


def test_osu_latency_rows_and_validation_fail():
    df = osu_rows(_osu("osu_allreduce_full_validation_7.4.txt"), case="c", subject="s", nodes=4)
    assert set(df["metric"]) == {"latency"} and set(df["unit"]) == {"us"}
    bad = df[~df["valid"]]
    assert (list(bad["size"]), list(bad["invalid_reason"])) == ([128], ["Validation Fail"])


def test_osu_incomplete_report_rows_are_invalid_and_buffer_override():
    report = _osu("osu_bibw_cuda_crash_7.5.txt", partial=True, folder="osu_failed")
    df = osu_rows(report, case="c", subject="s", buffer="device")
    assert not df["valid"].any() and set(df["buffer"]) == {"device"}
    assert df["invalid_reason"].iloc[0].startswith("incomplete table: [b5302:2889239:0:2889239] Caught signal 7")
