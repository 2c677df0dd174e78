"""judge(): results rows against baselines -> pass / warn / fail / no-baseline, each with a passing and a failing
case, and messages in the issue's shape (figure, limit, tolerance, file:line)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bringup.bench import baselines as bl
from bringup.bench.judge import RESULT_COLUMNS, VERDICT_COLUMNS, judge

# Eleven comment lines put the first entry at line 12, as in issue 10's example message.
BASELINES = "# line\n" * 9 + """\
profile: h100-8x400g
baselines:
  - benchmark: nccl-tests
    op: all_reduce
    size: 8GiB
    nodes: 2
    gpus_per_node: 8
    algo: Ring
    metric: busbw
    value: 367
    unit: GB/s
    lower: 0.05
    warn: 0.03
    physical: 400
    source: layers.md §4 [S49]
  - benchmark: osu
    op: osu_latency
    size: 8B
    nodes: 2
    gpus_per_node: 0
    buffer: host
    metric: latency
    value: 2.5
    unit: us
    upper: 0.10
    warn: 0.05
    source: layers.md §4 (band)
  - benchmark: perftest
    op: ib_write_bw
    size: 64KiB
    nodes: 2
    gpus_per_node: 0
    buffer: host
    metric: bandwidth
    value: 392
    unit: Gb/s
    lower: 0.03
    upper: 0.03
    physical: 400
    source: layers.md §4 [S46]
"""


@pytest.fixture
def refs(tmp_path, monkeypatch) -> pd.DataFrame:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "baselines" / "h100-8x400g" / "nccl.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(BASELINES)
    return bl.load_file(path)


def busbw(value: float, **kw) -> dict:
    row = {"case": "nccl-all_reduce-ring@node01+node02", "benchmark": "nccl-tests", "op": "all_reduce",
           "size": 8 << 30, "nodes": 2, "gpus_per_node": 8, "algo": "Ring", "buffer": "", "metric": "busbw",
           "value": value, "unit": "GB/s", "subject": "node01+node02", "valid": True, "invalid_reason": ""}
    return {**row, **kw}


def latency(value: float, **kw) -> dict:
    return busbw(value, case="osu-latency-hh@node01+node02", benchmark="osu", op="osu_latency", size=8,
                 gpus_per_node=0, algo="", buffer="host", metric="latency", unit="us", **kw)


def rdma_bw(value: float, **kw) -> dict:
    return busbw(value, case="perftest-write-bw@node01:rail1+node02:rail1", benchmark="perftest", op="ib_write_bw",
                 size=65536, gpus_per_node=0, algo="", buffer="host", metric="bandwidth", unit="Gb/s", **kw)


def one(refs: pd.DataFrame, row: dict, strict: bool = False) -> dict:
    out = judge(pd.DataFrame([row]), refs, strict=strict)
    assert list(out.columns) == RESULT_COLUMNS + VERDICT_COLUMNS
    return out.iloc[0].to_dict()


WHERE = "baselines/h100-8x400g/nccl.yaml"


# --- fail / pass on the lower limit ----------------------------------------------------------------------------

def test_below_the_lower_limit_fails_with_the_issue_message(refs):
    got = one(refs, busbw(338.2))
    # (367 - 338.2) / 367 = 7.847% under 367: 7.8 (issue 10 quotes 7.9 for these figures).
    assert got["outcome"] == "fail"
    assert got["message"] == f"all_reduce 8 GiB busbw 338.2 GB/s is 7.8% under 367 GB/s (lower -5%, {WHERE}:12)"
    assert got["reference"] == 367.0 and got["limit"] == pytest.approx(348.65)
    assert got["delta_pct"] == pytest.approx(-7.84741, abs=1e-5)
    assert got["pct_of_physical"] == pytest.approx(84.55)
    assert (got["baseline_file"], got["baseline_line"]) == (WHERE, 12)


def test_above_the_warn_band_passes(refs):
    got = one(refs, busbw(362.0))
    assert got["outcome"] == "pass"
    assert got["message"] == f"all_reduce 8 GiB busbw 362 GB/s is 1.4% under 367 GB/s (lower -5%, {WHERE}:12)"


def test_exactly_on_the_limit_passes_just_under_it_fails(refs):
    limit = 367 * (1 - 0.05)
    assert one(refs, busbw(limit))["outcome"] == "warn"
    assert one(refs, busbw(np.nextafter(limit, 0)))["outcome"] == "fail"


def test_no_upper_limit_means_any_higher_figure_passes(refs):
    got = one(refs, busbw(1000.0))
    assert got["outcome"] == "pass" and got["pct_of_physical"] == 250.0
    assert got["message"] == f"all_reduce 8 GiB busbw 1000 GB/s is 172.5% over 367 GB/s (lower -5%, {WHERE}:12)"


# --- warn --------------------------------------------------------------------------------------------------------

def test_inside_the_fail_band_but_outside_the_warn_band_warns(refs):
    got = one(refs, busbw(355.0))
    assert got["outcome"] == "warn"
    assert got["message"] == ("all_reduce 8 GiB busbw 355 GB/s is 3.3% under 367 GB/s, within the warn band "
                              f"(warn -3%, lower -5%, {WHERE}:12)")


def test_a_figure_inside_the_warn_band_does_not_warn(refs):
    assert one(refs, busbw(357.0))["outcome"] == "pass"   # 2.7% under, the warn band starts at 3%


def test_latency_warns_on_the_upper_side(refs):
    got = one(refs, latency(2.65))
    assert got["outcome"] == "warn"
    assert got["message"] == ("osu_latency 8 B latency 2.65 us is 6.0% over 2.5 us, within the warn band "
                              f"(warn +5%, upper +10%, {WHERE}:25)")
    assert one(refs, latency(2.6))["outcome"] == "pass"


# --- latency: the upper limit --------------------------------------------------------------------------------

def test_latency_above_the_upper_limit_fails(refs):
    got = one(refs, latency(2.8))
    assert got["outcome"] == "fail" and got["limit"] == pytest.approx(2.75)
    assert got["message"] == f"osu_latency 8 B latency 2.8 us is 12.0% over 2.5 us (upper +10%, {WHERE}:25)"


def test_latency_below_the_reference_passes_without_a_lower_limit(refs):
    got = one(refs, latency(1.734))
    assert got["outcome"] == "pass" and pd.isna(got["pct_of_physical"])
    assert got["message"] == f"osu_latency 8 B latency 1.73 us is 30.6% under 2.5 us (upper +10%, {WHERE}:25)"


def test_a_bandwidth_with_an_upper_limit_fails_above_it(refs):
    got = one(refs, rdma_bw(405.0))     # above line rate: the measurement is wrong, not the rail fast
    assert got["outcome"] == "fail"
    assert got["message"] == ("ib_write_bw 64 KiB bandwidth 405 Gb/s is 3.3% over 392 Gb/s "
                              f"(upper +3%, {WHERE}:37)")
    assert one(refs, rdma_bw(400.0))["outcome"] == "pass"


# --- invalid rows ----------------------------------------------------------------------------------------------

def test_an_invalid_row_fails_with_its_reason_whatever_the_bandwidth(refs):
    got = one(refs, busbw(380.0, valid=False, invalid_reason="#wrong 12 in out-of-place"))
    assert got["outcome"] == "fail"
    assert got["message"] == "all_reduce 8 GiB busbw 380 GB/s is not a valid measurement: #wrong 12 in out-of-place"
    assert one(refs, busbw(380.0))["outcome"] == "pass"


@pytest.mark.parametrize("value", [float("nan"), -1.0])
def test_a_figure_that_is_not_a_number_fails_even_where_no_limit_would_catch_it(refs, value):
    got = one(refs, latency(value))          # a latency has no lower limit: -1 us would pass the band
    assert got["outcome"] == "fail"
    assert got["message"] == (f"osu_latency 8 B latency {value:g} us is not a valid measurement: the figure is not a "
                              "non-negative number")


def test_an_invalid_row_without_a_baseline_still_fails(refs):
    got = one(refs, busbw(380.0, size=4 << 30, valid=False, invalid_reason="Out of bounds values : 3 FAILED"))
    assert got["outcome"] == "fail" and got["message"].endswith("is not a valid measurement: Out of bounds values : 3"
                                                                " FAILED")


# --- no baseline, strict ------------------------------------------------------------------------------------

def test_no_baseline_is_its_own_outcome_and_strict_makes_it_fail(refs):
    row = busbw(380.0, nodes=4)
    got = one(refs, row)
    assert got["outcome"] == "no-baseline" and pd.isna(got["reference"]) and pd.isna(got["baseline_line"])
    assert got["message"] == ('all_reduce 8 GiB busbw 380 GB/s: no baseline for nccl-tests all_reduce 8 GiB nodes=4 '
                              'gpus_per_node=8 algo=Ring buffer="" busbw')
    strict = one(refs, row, strict=True)
    assert strict["outcome"] == "fail" and strict["message"] == got["message"] + " (strict baselines)"
    assert one(refs, busbw(380.0), strict=True)["outcome"] == "pass"


@pytest.mark.parametrize("field, other", [("algo", ""), ("buffer", "device"), ("gpus_per_node", 1),
                                          ("size", 1 << 30), ("metric", "busbw_inplace")])
def test_every_key_column_takes_part_in_the_match(refs, field, other):
    assert one(refs, busbw(380.0, **{field: other}))["outcome"] == "no-baseline"


def test_an_empty_baselines_frame_gives_no_baseline(refs):
    out = judge(pd.DataFrame([busbw(380.0)]), pd.DataFrame(columns=bl.COLUMNS))
    assert out["outcome"].tolist() == ["no-baseline"]


# --- unit mismatch -----------------------------------------------------------------------------------------------

def test_a_result_in_another_unit_than_its_baseline_fails_naming_the_baseline(refs):
    got = one(refs, busbw(380000.0, unit="MB/s"))
    assert got["outcome"] == "fail"
    assert got["message"] == f"all_reduce 8 GiB busbw 380000 MB/s: unit mismatch, the baseline is in GB/s ({WHERE}:12)"


# --- the table as a whole ----------------------------------------------------------------------------------------

def test_many_rows_keep_their_order_and_index_and_each_gets_its_own_verdict(refs):
    rows = [busbw(338.2), latency(2.8), busbw(362.0), busbw(355.0, subject="node03+node04"), latency(2.0),
            busbw(380.0, nodes=4), busbw(380.0, valid=False, invalid_reason="incomplete table")]
    frame = pd.DataFrame(rows, index=[10, 11, 12, 13, 14, 15, 16])
    out = judge(frame, refs)
    assert out.index.tolist() == [10, 11, 12, 13, 14, 15, 16]
    assert out["outcome"].tolist() == ["fail", "fail", "pass", "warn", "pass", "no-baseline", "fail"]
    assert out["subject"].tolist() == frame["subject"].tolist()
    assert out["message"].tolist() == [one(refs, r)["message"] for r in rows]


def test_results_read_back_from_csv_match_as_they_were_written(refs, tmp_path):
    rows = pd.DataFrame([busbw(355.0), latency(2.8), rdma_bw(392.0)])
    rows.to_csv(tmp_path / "results.csv", index=False)
    back = pd.read_csv(tmp_path / "results.csv", keep_default_na=False, na_values=[""])
    assert back["algo"].isna().any()          # what a CSV does to "" (the run directory's bench/results.csv)
    assert judge(back, refs)["outcome"].tolist() == judge(rows, refs)["outcome"].tolist() == ["warn", "fail", "pass"]


def test_results_without_the_contract_columns_are_refused(refs):
    with pytest.raises(ValueError, match="lack the contract columns valid, invalid_reason"):
        judge(pd.DataFrame([busbw(380.0)]).drop(columns=["valid", "invalid_reason"]), refs)


def test_a_results_column_of_the_wrong_type_is_named(refs):
    with pytest.raises(ValueError, match="results column 'size' is not int64"):
        judge(pd.DataFrame([busbw(380.0, size="8G")]), refs)


def test_no_rows_give_no_verdicts(refs):
    out = judge(pd.DataFrame([busbw(380.0)]).iloc[:0], refs)
    assert out.empty and list(out.columns) == RESULT_COLUMNS + VERDICT_COLUMNS


def test_the_committed_example_baselines_judge_a_two_node_ring(monkeypatch):
    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    refs = bl.load_profile(Path("baselines"), "h100-cx7-400g")
    out = judge(pd.DataFrame([busbw(352.0, case="ring"), busbw(330.0, case="ring")]), refs)
    assert out["outcome"].tolist() == ["warn", "fail"]
    assert out["message"].iloc[1].startswith("all_reduce 8 GiB busbw 330 GB/s is 13.2% under 380 GB/s (lower -10.5%, "
                                             "baselines/h100-cx7-400g/nccl-tests.yaml:")
