"""Baseline files: schema, file:line errors, sizes, the committed profiles, and `bringup baseline generate/check`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from bringup import cli
from bringup.bench import baselines as bl
from bringup.bench import catalogue
from bringup.bench.judge import judge

ROOT = Path(__file__).resolve().parents[2]

# One valid entry; the numbers on the right are the file's line numbers the errors below cite.
GOOD = """\
profile: p1
baselines:
  - benchmark: nccl-tests
    op: all_reduce
    size: 8GiB
    nodes: 2
    gpus_per_node: 8
    algo: Ring
    buffer: ""
    metric: busbw
    value: 367
    unit: GB/s
    lower: 0.05
    upper: null
    warn: 0.03
    physical: 400
    source: layers.md §4 [S49]
"""
#  1 profile  2 baselines  3 - benchmark  4 op  5 size  6 nodes  7 gpus_per_node  8 algo  9 buffer
# 10 metric  11 value  12 unit  13 lower  14 upper  15 warn  16 physical  17 source


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Work in tmp_path, so errors show the path as a user types it: p1/nccl.yaml:12."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str, name: str = "nccl.yaml", profile: str = "p1") -> Path:
    path = folder / profile / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def errors_of(path: Path) -> str:
    with pytest.raises(bl.BaselineError) as info:
        bl.load_file(path)
    return str(info.value)


# --- a valid file -------------------------------------------------------------------------------------------

def test_a_valid_file_loads_with_exact_values_and_its_line(here):
    frame = bl.load_file(write(here, GOOD))
    assert list(frame.columns) == bl.COLUMNS
    row = frame.iloc[0].to_dict()
    assert row == {"benchmark": "nccl-tests", "op": "all_reduce", "size": 8589934592, "nodes": 2, "gpus_per_node": 8,
                   "algo": "Ring", "buffer": "", "metric": "busbw", "value": 367.0, "unit": "GB/s", "lower": 0.05,
                   "upper": row["upper"], "warn": 0.03, "physical": 400.0, "source": "layers.md §4 [S49]",
                   "file": "p1/nccl.yaml", "line": 3}
    assert pd.isna(row["upper"])


@pytest.mark.parametrize("given, expected", [(8589934592, 8589934592), ("8GiB", 8 << 30), ("4MiB", 4 << 20),
                                             ("64KiB", 65536), ("2B", 2), ("0B", 0), (" 1 TiB ", 1 << 40)])
def test_sizes_as_bytes_or_binary_units(given, expected):
    assert bl.parse_size(given) == expected


@pytest.mark.parametrize("given", ["8GB", "8G", "8 gib", "1.5GiB", -1, True, 2.0, "x", None])
def test_sizes_that_are_ambiguous_or_not_sizes_are_refused(given):
    with pytest.raises(ValueError, match="size"):
        bl.parse_size(given)


@pytest.mark.parametrize("size, text", [(8 << 30, "8 GiB"), (4 << 20, "4 MiB"), (65536, "64 KiB"), (2, "2 B"),
                                        (1000, "1000 B"), (3 << 19, "1536 KiB")])
def test_format_size(size, text):
    assert bl.format_size(size) == text
    assert bl.parse_size(bl.format_size(size, sep="")) == size


# --- each bad input names file:line -------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, expected", [
    ("benchmark: nccl-tests", "benchmark: nccl",
     "p1/nccl.yaml:3: unknown benchmark 'nccl' (known: iperf3, nccl-tests, netpipe, osu, perftest)"),
    ("    source:", "    colour: red\n    source:",
     "p1/nccl.yaml:17: unknown key 'colour' (known: benchmark, op, size,"),
    ("unit: GB/s", "unit: MB/s", "p1/nccl.yaml:12: nccl-tests busbw is measured in GB/s, not 'MB/s'"),
    ("metric: busbw", "metric: bandwidth", "p1/nccl.yaml:10: nccl-tests has no metric 'bandwidth' (known: busbw,"),
    ("lower: 0.05", "lower: -0.05", "p1/nccl.yaml:13: lower -0.05 is negative: tolerances are fractions >= 0"),
    ("warn: 0.03", "warn: 0.08", "p1/nccl.yaml:15: warn 0.08 is not inside the fail band (lower 0.05)"),
    ("lower: 0.05", "lower: 1.0", "p1/nccl.yaml:13: lower 1.0 allows 100% or more below value"),
    ("lower: 0.05", "lower: null",
     "p1/nccl.yaml:13: busbw needs a lower limit: without one the check could never fail"),
    ("lower: 0.05\n    upper: null", "lower: null\n    upper: 0.05",
     "p1/nccl.yaml:13: busbw needs a lower limit: without one the check could never fail"),
    ("physical: 400", "physical: 300", "p1/nccl.yaml:16: physical ceiling 300 GB/s is below the baseline value 367"),
    ("value: 367", "value: 0", "p1/nccl.yaml:11: value 0 must be a positive number"),
    ("size: 8GiB", "size: 8GB", "p1/nccl.yaml:5: size: size '8GB' is not bytes or a binary size"),
    ("nodes: 2", "nodes: true", "p1/nccl.yaml:6: nodes: Input should be a valid integer (got True)"),
    ("buffer: \"\"", "buffer: gpu", "p1/nccl.yaml:9: buffer: Input should be '', 'host' or 'device' (got 'gpu')"),
    ("profile: p1", "profile: h100-cx7-400g",
     "p1/nccl.yaml:1: profile 'h100-cx7-400g' does not match the folder it is in ('p1')"),
    ("    nodes: 2\n", "    nodes: 2\n    nodes: 4\n", "p1/nccl.yaml:7: duplicate key 'nodes' (first at line 6)"),
    ("    value: 367\n    unit: GB/s\n", "", "p1/nccl.yaml:3: missing keys value, unit"),
    ("baselines:", "baseline:", "p1/nccl.yaml:2: unknown top-level key 'baseline' (known: baselines, profile)"),
    ("    op: all_reduce", "    op: [all_reduce", "p1/nccl.yaml:"),
])
def test_a_bad_entry_is_an_error_naming_file_and_line(here, old, new, expected):
    assert old in GOOD
    message = errors_of(write(here, GOOD.replace(old, new)))
    assert message.startswith(expected), message


def test_every_problem_of_a_file_is_reported_at_once(here):
    text = GOOD + GOOD.split("baselines:\n")[1].replace("unit: GB/s", "unit: MB/s").replace("op: all_reduce",
                                                                                          "op: all_reduce\n    x: 1")
    lines = errors_of(write(here, text.replace("benchmark: nccl-tests", "benchmark: nccl", 1))).splitlines()
    assert [line.split(": ")[0] for line in lines] == ["p1/nccl.yaml:3", "p1/nccl.yaml:20"]


def test_a_key_defined_twice_across_files_names_both_places(here):
    write(here, GOOD, "a.yaml")
    write(here, "# the same figure again\n" + GOOD, "b.yaml")
    with pytest.raises(bl.BaselineError) as info:
        bl.load_dir(here / "p1")
    assert str(info.value) == "p1/b.yaml:4: duplicate baseline (same key as p1/a.yaml:3)"


def test_the_same_op_at_another_size_is_another_baseline(here):
    write(here, GOOD + GOOD.split("baselines:\n")[1].replace("size: 8GiB", "size: 1GiB"))
    assert sorted(bl.load_dir(here / "p1")["size"]) == [1 << 30, 8 << 30]


def test_latency_baselines_may_have_no_lower_limit(here):
    text = GOOD.replace("metric: busbw", "metric: latency").replace("unit: GB/s", "unit: us") \
        .replace("benchmark: nccl-tests", "benchmark: osu").replace("lower: 0.05", "lower: null") \
        .replace("upper: null", "upper: 0.10").replace("    physical: 400\n", "").replace('buffer: ""', "buffer: host")
    frame = bl.load_file(write(here, text))
    assert frame.loc[0, "upper"] == 0.10 and pd.isna(frame.loc[0, "lower"])


def test_a_latency_baseline_needs_an_upper_limit(here):
    text = GOOD.replace("benchmark: nccl-tests", "benchmark: osu").replace("metric: busbw", "metric: latency") \
        .replace("unit: GB/s", "unit: us").replace("    physical: 400\n", "")
    assert errors_of(write(here, text)) == "p1/nccl.yaml:14: latency needs an upper limit: without one the check " \
                                           "could never fail"


def test_not_yaml_and_not_a_mapping(here):
    assert errors_of(write(here, "baselines: [\n")).startswith("p1/nccl.yaml:2: not valid YAML")
    assert errors_of(write(here, "- 1\n")) == "p1/nccl.yaml:1: expected a mapping with a `baselines:` list"
    assert errors_of(write(here, "")) == "p1/nccl.yaml: expected a mapping with a `baselines:` list"


def test_an_unknown_profile_names_the_profiles_there(here):
    write(here, GOOD)
    with pytest.raises(bl.BaselineError, match=r"no baselines for profile 'h100' \(profiles there: p1\)"):
        bl.load_profile(here, "h100")


# --- the committed baselines ----------------------------------------------------------------------------------

def example_profiles() -> set[str]:
    profiles = set()
    for path in (ROOT / "inventories" / "examples").glob("*/group_vars/all.yml"):
        profiles.add(yaml.safe_load(path.read_text())["bringup_profile"])
    return profiles


def test_every_example_inventory_profile_and_the_lab_have_valid_baselines():
    profiles = example_profiles() | {catalogue.LAB_PROFILE}
    assert profiles >= {"h100-cx7-400g", "lab"}
    for profile in profiles:
        frame = bl.load_profile(ROOT / "baselines", profile)
        assert not frame.empty


def test_example_baselines_cite_layers_md_and_lab_ones_their_measurement():
    for profile in example_profiles():
        sources = bl.load_profile(ROOT / "baselines", profile)["source"]
        assert sources.str.contains(r"layers\.md §4").all(), profile
    assert bl.load_profile(ROOT / "baselines", "lab")["source"].str.startswith("lab measurement ").all()


def test_committed_baselines_are_figures_the_catalogue_judges():
    """A baseline for a size or op no catalogue case judges would never be used: say which."""
    cases = catalogue.default().benchmarks
    for profile in example_profiles() | {catalogue.LAB_PROFILE}:
        frame = bl.load_profile(ROOT / "baselines", profile)
        for row in frame.itertuples():
            assert any(c.tool == row.benchmark and c.op == row.op
                       and (not c.judged_sizes or row.size in c.judged_sizes) for c in cases), \
                f"{row.file}:{row.line}: no catalogue case judges {row.benchmark} {row.op} at {row.size} B"


# --- bringup baseline check -----------------------------------------------------------------------------------

def test_check_command_passes_the_committed_baselines(capsys):
    assert cli.main(["baseline", "check", str(ROOT / "baselines")]) == 0
    assert re.fullmatch(r"ok: \d+ baselines in \d+ files\n", capsys.readouterr().out)


def test_check_command_prints_every_problem_and_fails(here, capsys):
    write(here, GOOD.replace("unit: GB/s", "unit: MB/s"))
    write(here, GOOD.replace("op: all_reduce", "op: all_reduce\n    x: 1"), "b.yaml")
    assert cli.main(["baseline", "check", "p1"]) == 1
    err = capsys.readouterr().err
    assert "p1/b.yaml:5: unknown key 'x'" in err and "p1/nccl.yaml:12: nccl-tests busbw is measured in GB/s" in err


# --- bringup baseline generate --------------------------------------------------------------------------------

def results_row(op: str, value: float, *, size: int = 8 << 30, bench: str = "nccl-tests", metric: str = "busbw",
                unit: str = "GB/s", buffer: str = "", gpus: int = 8, valid: bool = True, reason: str = "") -> dict:
    return {"case": f"{bench}-{op}", "benchmark": bench, "op": op, "size": size, "nodes": 2, "gpus_per_node": gpus,
            "algo": "Ring" if bench == "nccl-tests" else "", "buffer": buffer, "metric": metric, "value": value,
            "unit": unit, "subject": "node01+node02", "valid": valid, "invalid_reason": reason}


def healthy_rows() -> list[dict]:
    osu = {"bench": "osu", "buffer": "host", "gpus": 0}
    return [results_row("all_reduce", 371.5), results_row("all_reduce", 380.25), results_row("all_reduce", 392.0),
            results_row("all_reduce", 41.0, size=1 << 20),
            results_row("osu_latency", 2.1, size=8, metric="latency", unit="us", **osu),
            results_row("osu_latency", 1.9, size=8, metric="latency", unit="us", **osu),
            results_row("osu_bw", 46890.0, size=4 << 20, metric="bandwidth", unit="MB/s", **osu)]


def make_run(folder: Path, rows: list[dict], run_id: str = "20261204-031500-h100") -> Path:
    run = folder / "reports" / run_id
    (run / "bench").mkdir(parents=True)
    (run / "meta.json").write_text(json.dumps({"run_id": run_id}))
    pd.DataFrame(rows).to_csv(run / "bench" / "results.csv", index=False)
    return run


def test_generate_writes_medians_default_tolerances_and_the_run_then_judges_it_pass(here, capsys):
    run = make_run(here, healthy_rows())
    assert cli.main(["baseline", "generate", str(run), "--profile", "p2", "--out", "bl"]) == 0
    assert capsys.readouterr().out.splitlines() == ["wrote bl/p2/nccl-tests.yaml", "wrote bl/p2/osu.yaml"]
    frame = bl.load_dir(here / "bl" / "p2")
    got = {(r.op, r.size, r.metric): (r.value, r.unit, r.lower, r.upper, r.warn) for r in frame.itertuples()}
    nan = got[("osu_latency", 8, "latency")][2]
    assert got == {
        ("all_reduce", 1 << 20, "busbw"): (41.0, "GB/s", 0.05, got[("all_reduce", 1 << 20, "busbw")][3], 0.03),
        ("all_reduce", 8 << 30, "busbw"): (380.25, "GB/s", 0.05, got[("all_reduce", 8 << 30, "busbw")][3], 0.03),
        ("osu_latency", 8, "latency"): (2.0, "us", nan, 0.10, 0.05),
        ("osu_bw", 4 << 20, "bandwidth"): (46890.0, "MB/s", 0.05, got[("osu_bw", 4 << 20, "bandwidth")][3], 0.03),
    }
    assert pd.isna(nan) and frame[frame["metric"] != "latency"]["upper"].isna().all()
    assert (frame["source"].str.fullmatch(r"generated from run 20261204-031500-h100 on \d{4}-\d{2}-\d{2}")).all()
    text = (here / "bl" / "p2" / "nccl-tests.yaml").read_text()
    assert "profile: p2" in text and "size: 8GiB" in text and "size: 1MiB" in text
    judged = judge(pd.read_csv(run / "bench" / "results.csv", keep_default_na=False, na_values=[""]), frame)
    assert set(judged["outcome"]) == {"pass"}


def test_generate_refuses_a_run_with_an_invalid_row_and_writes_nothing(here, capsys):
    rows = healthy_rows() + [results_row("all_reduce", 390.0, valid=False, reason="#wrong 12 (out-of-place)")]
    run = make_run(here, rows)
    assert cli.main(["baseline", "generate", str(run), "--profile", "p2", "--out", "bl"]) == 1
    err = capsys.readouterr().err
    assert "nccl-tests-all_reduce all_reduce 8 GiB busbw: not a valid measurement: #wrong 12 (out-of-place)" in err
    assert not (here / "bl").exists()


def test_generate_skip_invalid_leaves_the_invalid_rows_out(here, capsys):
    rows = healthy_rows() + [results_row("all_reduce", 1.0, size=2 << 30, valid=False, reason="Out of bounds FAILED")]
    run = make_run(here, rows)
    assert cli.main(["baseline", "generate", str(run), "--profile", "p2", "--out", "bl", "--skip-invalid"]) == 0
    assert "left out nccl-tests-all_reduce all_reduce 2 GiB busbw" in capsys.readouterr().err
    assert 2 << 30 not in set(bl.load_dir(here / "bl" / "p2")["size"])


@pytest.mark.parametrize("row, expected", [
    (results_row("all_reduce", 380.0, unit="MB/s"), "nccl-tests busbw in MB/s: nccl-tests busbw is measured in GB/s"),
    (results_row("all_reduce", 0.0), "all_reduce 8 GiB busbw: value 0.0 is not a positive figure"),
    (results_row("all_reduce", 380.0, bench="nccl"), "nccl busbw in GB/s: unknown benchmark 'nccl'"),
])
def test_generate_refuses_rows_the_schema_would_refuse(here, capsys, row, expected):
    run = make_run(here, healthy_rows() + [row])
    assert cli.main(["baseline", "generate", str(run), "--profile", "p2", "--out", "bl"]) == 1
    assert expected in capsys.readouterr().err


def test_generate_does_not_replace_baselines_without_force(here, capsys):
    run = make_run(here, healthy_rows())
    args = ["baseline", "generate", str(run), "--profile", "p2", "--out", "bl"]
    assert cli.main(args) == 0
    assert cli.main(args) == 1
    assert "bl/p2/nccl-tests.yaml, bl/p2/osu.yaml already exist (--force replaces)" in capsys.readouterr().err
    assert cli.main(args + ["--force"]) == 0


def test_generate_needs_a_benchmark_run_and_a_folder_name_profile(here, capsys):
    assert cli.main(["baseline", "generate", "nowhere", "--profile", "p2"]) == 2
    assert "nowhere/bench/results.csv not found" in capsys.readouterr().err
    run = make_run(here, healthy_rows())
    assert cli.main(["baseline", "generate", str(run), "--profile", "../p2", "--out", "bl"]) == 1
    assert "profile '../p2' is not a folder name" in capsys.readouterr().err


def test_generate_names_the_contract_columns_a_results_table_lacks(here, capsys):
    run = make_run(here, [{k: v for k, v in r.items() if k != "valid"} for r in healthy_rows()])
    assert cli.main(["baseline", "generate", str(run), "--profile", "p2", "--out", "bl"]) == 1
    assert "results rows lack the contract columns valid" in capsys.readouterr().err


def test_check_command_on_a_missing_path(here, capsys):
    assert cli.main(["baseline", "check", "nowhere"]) == 2
    assert "nowhere: no such file or folder" in capsys.readouterr().err
