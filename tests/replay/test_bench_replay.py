"""A recorded run's benchmarks re-judged offline: ``--replay RUN --baselines DIR``, ``--strict-baselines``, and a
profile without baselines, through ``pytest suites/`` as a user runs it (no node contacted)."""

from __future__ import annotations

import shutil

import pytest
import yaml

from tests.scenario_tools import ROOT, build_healthy, latest_run, replay

RING = "test_benchmark_meets_baseline[nccl-all_reduce-ring@node01+node02]"


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100bench") / "run")


def _outcomes(records):
    return {r["name"]: r for r in records if r["name"].startswith("test_benchmark_meets_baseline")}


def test_other_baselines_rejudge_the_recorded_run(healthy, tmp_path):
    other = tmp_path / "baselines"
    shutil.copytree(ROOT / "baselines" / "h100-cx7-400g", other / "h100-cx7-400g")
    path = other / "h100-cx7-400g" / "nccl-tests.yaml"
    data = yaml.safe_load(path.read_text())
    for entry in data["baselines"]:
        if entry["op"] == "all_reduce" and entry["nodes"] == 2 and entry["algo"] == "Ring":
            entry["value"], entry["lower"], entry["warn"] = 390, 0.05, 0.02  # a site's stricter 2-node figure
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    records, proc = replay(healthy, tmp_path / "reports", "--layers", "13", "--baselines", str(other))
    ring = _outcomes(records)[RING]
    assert ring["outcome"] == "failed", proc.stdout[-2000:]
    assert ring["message"].startswith("all_reduce 8 GiB busbw 365.8 GB/s is 6.2% under 390 GB/s (lower -5%, ")
    assert "nccl-tests.yaml:" in ring["message"]
    rail0 = _outcomes(records)["test_benchmark_meets_baseline[perftest-write-bw@rail0@node01+node02]"]
    assert (rail0["outcome"], rail0["measured"], rail0["unit"]) == ("passed", "392.18", "Gb/s")
    assert float(rail0["pct_of_physical"]) == 98.0  # 392.18 of the 400 Gb/s line (baselines' physical)
    run = latest_run(tmp_path / "reports")
    assert (run / "bench" / "verdicts.csv").exists() and (run / "bench" / "results.csv").exists()
    assert (run / "bench" / "nccl-all_reduce-ring@node01+node02" / "output.json").exists()


def test_no_baselines_for_the_profile_skips_and_strict_fails(healthy, tmp_path):
    empty = tmp_path / "nobaselines"
    empty.mkdir()
    records, proc = replay(healthy, tmp_path / "r1", "--layers", "13", "--baselines", str(empty))
    ring = _outcomes(records)[RING]
    assert ring["outcome"] == "skipped"
    assert "no baselines for profile 'h100-cx7-400g'" in ring["message"]
    records, proc = replay(healthy, tmp_path / "r2", "--layers", "13", "--baselines", str(empty),
                           "--strict-baselines")
    ring = _outcomes(records)[RING]
    assert ring["outcome"] == "failed", proc.stdout[-2000:]
