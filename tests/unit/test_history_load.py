"""``load_history``: one row per (run, metric) over every run under reports/, the cache rebuilt when a run is
added, changed or deleted, unreadable runs skipped with one warning; ``bringup history`` prints it."""

from __future__ import annotations

import json
import math
import shutil
import warnings

import pandas as pd
import pytest

from bringup.cli import main
from bringup.history import COLUMNS, HistoryWarning, load_history
from bringup.history.load import CACHE_DIR

# Records as bringup/plugin.py writes them (fields of a real replay of tests/scenarios/h100).
CHECK = {"nodeid": "suites/l03_links/test_links.py::test_link_speed[node01-rail0]", "name":
         "test_link_speed[node01-rail0]", "classname": "suites.l03_links.test_links", "outcome": "passed",
         "message": "", "duration": 0.002, "when": "call", "layer": 3, "node": "node01", "item": "rail0",
         "measured": "400000", "expected": "400000", "unit": "Mb/s"}
GPU = {"nodeid": "suites/l11_gpu/test_gpu_stack.py::test_nvswitch_fabric_completed[node01-gpu0]",
       "name": "test_nvswitch_fabric_completed[node01-gpu0]", "outcome": "failed", "message": "fabric In Progress",
       "layer": 11, "node": "node01", "item": "gpu0", "measured": "In Progress/None", "expected": "Completed/Success"}
BENCH_ITEM = {"nodeid": "suites/l13_comm_libs/test_l13_benchmarks.py::test_benchmark_meets_baseline"
              "[nccl-sendrecv-rail@rail2@node01+node02]", "name": "test_benchmark_meets_baseline"
              "[nccl-sendrecv-rail@rail2@node01+node02]", "outcome": "passed", "layer": 13, "node": "node01",
              "item": "rail2@node01+node02", "benchmark": "nccl-sendrecv-rail", "measured": "48.5", "unit": "GB/s"}
VERDICTS = ("case,benchmark,op,size,nodes,gpus_per_node,algo,buffer,metric,value,unit,subject,valid,invalid_reason,"
            "outcome,reference,limit,delta_pct,pct_of_physical,baseline_file,baseline_line,message\n"
            "nccl-sendrecv-rail@rail2@node01+node02,nccl-tests,sendrecv,8589934592,2,1,,,busbw,{v},GB/s,"
            "rail2@node01+node02,True,,pass,48.0,45.6,1.0,,baselines/h100-cx7-400g/nccl-tests.yaml,40,\"...\"\n")


def make_run(reports, name: str, started: float, *, status="finished", busbw=48.5, records=(CHECK, GPU, BENCH_ITEM)):
    run = reports / name
    (run / "bench").mkdir(parents=True)
    (run / "meta.json").write_text(json.dumps({"run_id": name, "status": status, "started": started}))
    (run / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (run / "bench" / "verdicts.csv").write_text(VERDICTS.format(v=busbw))
    return run


@pytest.fixture
def reports(tmp_path):
    root = tmp_path / "reports"
    make_run(root, "20261101-020000-prod-0001", 1793498400.0)
    make_run(root, "20261102-020000-prod-0002", 1793584800.0, busbw=47.9)
    (root / "latest").symlink_to("20261102-020000-prod-0002")
    return root


def test_one_row_per_run_and_metric_with_the_contract_columns(reports):
    frame = load_history(reports)
    assert list(frame.columns[:len(COLUMNS)]) == COLUMNS
    assert len(frame) == 8  # 2 runs x (3 checks + 1 judged figure); `latest` is not a run
    first = frame[frame["run_id"] == "20261101-020000-prod-0001"]
    link = first[first["check"] == "test_link_speed"].iloc[0]
    assert (link["kind"], link["key"], link["layer"], link["node"], link["rail"], link["value"], link["unit"],
            link["outcome"]) == ("check", "test_link_speed[node01-rail0]", 3, "node01", "rail0", 400000.0, "Mb/s",
                                 "passed")
    assert link["started"] == pd.Timestamp("2026-11-01 02:00", tz="UTC") and link["status"] == "finished"
    gpu = first[first["check"] == "test_nvswitch_fabric_completed"].iloc[0]
    assert gpu["rail"] == "" and gpu["item"] == "gpu0" and math.isnan(gpu["value"]) and gpu["outcome"] == "failed"
    figure = frame[frame["kind"] == "bench"]
    assert figure["key"].astype(str).tolist() == ["nccl-sendrecv-rail@rail2@node01+node02 busbw 8 GiB"] * 2
    assert figure["value"].tolist() == [48.5, 47.9]
    row = figure.iloc[0]
    assert (row["layer"], row["node"], row["rail"], row["benchmark"], row["op"], row["size"], row["metric"],
            row["unit"], row["outcome"]) == (13, "node01", "rail2", "nccl-tests", "sendrecv", 8589934592.0, "busbw",
                                             "GB/s", "pass")


def test_warm_load_reads_the_cache_and_notices_added_changed_and_deleted_runs(reports):
    cold = load_history(reports)
    cache = reports / CACHE_DIR / "rows.arrow"
    stamp = cache.stat().st_mtime_ns
    warm = load_history(reports)
    pd.testing.assert_frame_equal(cold, warm)
    assert cache.stat().st_mtime_ns == stamp  # nothing changed: the cache was only read
    make_run(reports, "20261103-020000-prod-0003", 1793671200.0, status="running", busbw=30.0)
    added = load_history(reports)
    assert sorted(added["run_id"].astype(str).unique())[-1] == "20261103-020000-prod-0003"
    assert set(added[added["run_id"] == "20261103-020000-prod-0003"]["status"]) == {"running"}
    with (reports / "20261103-020000-prod-0003" / "results.jsonl").open("a") as fh:  # a run still writing
        fh.write(json.dumps({**CHECK, "name": "test_mtu[node01-rail0]", "nodeid": "x::test_mtu[node01-rail0]"}) + "\n")
    grown = load_history(reports)
    assert len(grown) == len(added) + 1 and "test_mtu[node01-rail0]" in set(grown["key"].astype(str))
    shutil.rmtree(reports / "20261101-020000-prod-0001")
    after = load_history(reports)
    assert "20261101-020000-prod-0001" not in set(after["run_id"].astype(str)) and len(after) == len(grown) - 4


def test_a_cache_that_does_not_match_its_index_is_rebuilt(reports):
    expected = load_history(reports)
    (reports / CACHE_DIR / "rows.arrow").write_bytes(b"not arrow")
    pd.testing.assert_frame_equal(load_history(reports), expected)
    index = json.loads((reports / CACHE_DIR / "index.json").read_text())
    index["runs"]["20261101-020000-prod-0001"]["rows"] = 99  # an index describing another table
    (reports / CACHE_DIR / "index.json").write_text(json.dumps(index))
    pd.testing.assert_frame_equal(load_history(reports), expected)


def test_an_unreadable_run_is_skipped_with_one_warning_naming_the_file(reports):
    bad = make_run(reports, "20261103-020000-prod-0003", 1793671200.0)
    (bad / "meta.json").write_text("{not json")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = load_history(reports)
    messages = [str(w.message) for w in caught if issubclass(w.category, HistoryWarning)]
    assert len(messages) == 1 and messages[0].startswith(f"{bad / 'meta.json'}: unreadable (")
    assert messages[0].endswith("; run skipped")
    assert len(frame) == 8


def test_last_and_since(reports):
    make_run(reports, "20261103-020000-prod-0003", 1793671200.0)
    assert load_history(reports, last=2)["run_id"].astype(str).unique().tolist() == [
        "20261102-020000-prod-0002", "20261103-020000-prod-0003"]
    assert load_history(reports, since="2026-11-03")["run_id"].astype(str).unique().tolist() == [
        "20261103-020000-prod-0003"]


def test_a_cache_that_cannot_be_written_still_loads(reports):
    (reports / CACHE_DIR).write_text("a file where the cache folder goes")  # root ignores a read-only mode
    assert len(load_history(reports)) == 8
    assert len(load_history(reports)) == 8


def test_bringup_history_prints_a_compact_table(reports, capsys):
    assert main(["history", "--reports-dir", str(reports), "--metric", "*busbw*"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["2 runs, 2026-11-01 02:00 .. 2026-11-02 02:00 UTC; columns are the last 2:",
                   "  [1] 20261101-020000-prod-0001", "  [2] 20261102-020000-prod-0002",
                   "nccl-sendrecv-rail@rail2@node01+node02 busbw 8 GiB [GB/s]: 48.5 47.9"]
    assert main(["history", "--reports-dir", str(reports), "--node", "node01", "--last", "1",
                 "--metric", "test_nv*"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "test_nvswitch_fabric_completed[node01-gpu0]: FAIL"
    assert main(["history", "--reports-dir", str(reports)]) == 0
    assert capsys.readouterr().out.splitlines()[3:] == [
        "nccl-sendrecv-rail@rail2@node01+node02 busbw 8 GiB [GB/s]: 48.5 47.9",
        "test_nvswitch_fabric_completed[node01-gpu0]: FAIL FAIL",
        "2 more checks never failed in these runs (--all lists them)"]
    assert main(["history", "--reports-dir", str(reports), "--all", "--metric", "test_link*"]) == 0
    assert capsys.readouterr().out.splitlines()[3:] == ["test_link_speed[node01-rail0]: ok ok"]
    assert main(["history", "--reports-dir", str(reports), "--since", "yesterday-ish"]) == 2
    assert capsys.readouterr().err.startswith("bringup history: --since 'yesterday-ish': ")
    assert main(["history", "--reports-dir", str(reports / "nope")]) == 2
    assert capsys.readouterr().err.strip() == f"bringup history: {reports / 'nope'} is not a directory"


def test_the_fast_reader_and_the_line_reader_agree_and_a_cut_line_falls_back(reports, tmp_path):
    from bringup.history import rows

    run = reports / "20261101-020000-prod-0001"
    odd = {**CHECK, "name": "test_mtu[node01-rail1]", "item": "rail1", "measured": "9000 bytes", "layer": None}
    with (run / "results.jsonl").open("a") as fh:
        fh.write(json.dumps(odd) + "\n")
    fast, fast_layers = rows.fast_check_columns(run / "results.jsonl")
    slow = rows.empty_columns()
    slow_layers = rows.check_rows([json.loads(line) for line in (run / "results.jsonl").read_text().splitlines()], slow)
    assert fast_layers == slow_layers == {"nccl-sendrecv-rail@rail2@node01+node02": 13}
    for column in ("kind", "key", "layer", "node", "rail", "check", "benchmark", "unit", "outcome", "item", "case"):
        as_list = fast[column] if isinstance(fast[column], list) else fast[column].to_pylist()
        assert as_list == slow[column], column
    assert fast["value"].to_pylist()[:1] == slow["value"][:1] == [400000.0]
    assert math.isnan(fast["value"].to_pylist()[-1]) and math.isnan(slow["value"][-1])  # "9000 bytes"
    with (run / "results.jsonl").open("a") as fh:
        fh.write('{"nodeid": "x::test_cut[node01]", "name": "test_cut')  # a run killed mid-write
    assert rows.fast_check_columns(run / "results.jsonl") is None
    frame = load_history(reports)
    assert "test_mtu[node01-rail1]" in set(frame["key"].astype(str)) and len(frame) == 9


def test_a_night_appended_to_the_cache_reads_as_a_rebuild_would(reports, tmp_path):
    load_history(reports)
    make_run(reports, "20261103-020000-prod-0003", 1793671200.0, busbw=31.5,
             records=(CHECK, {**GPU, "node": "node07", "name": "test_nvswitch_fabric_completed[node07-gpu0]"}))
    appended = load_history(reports)  # one more chunk, node07 and the new run added to the dictionaries
    from pyarrow import feather

    assert feather.read_table(reports / CACHE_DIR / "rows.arrow")["key"].num_chunks == 2  # appended, not rebuilt
    shutil.rmtree(reports / CACHE_DIR)
    rebuilt = load_history(reports)
    assert len(appended) == len(rebuilt) == 11
    as_text = lambda f: f.astype({c: str for c in f.columns if str(f[c].dtype) == "category"})  # noqa: E731
    pd.testing.assert_frame_equal(as_text(appended), as_text(rebuilt))
    make_run(reports, "20261001-020000-prod-0000", 1790820000.0)  # a run older than the cache: rebuilt in order
    older = load_history(reports)
    assert older["run_id"].astype(str).iloc[0] == "20261001-020000-prod-0000"
    assert older["started"].is_monotonic_increasing
