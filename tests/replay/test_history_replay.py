"""``pytest suites/ --compare-history`` end to end on replays of the recorded H100 scenario: six healthy nights,
then a night where NCCL was upgraded, the Ring all_reduce lost 10% and node01's nccl.conf gained NCCL_ALGO:
the benchmark item fails as regressed with the window and what changed, the check is a new failure; the night
after, it is still failing since that night."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, latest_run, load_fault, replay

RING = "test_benchmark_meets_baseline[nccl-all_reduce-ring@node01+node02]"
ALGO = "test_nccl_tuning_overrides_unset[node01]"
DAY = 86400.0
# nccl-tests' 8 GiB row of the recorded Ring all_reduce: algbw/busbw out of place, 10% lower
SLOWER = ["195.11  365.83", "175.60  329.25"]


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return build_healthy("h100", tmp_path_factory.mktemp("h100history") / "run")


def by_name(records):
    return {r["name"]: r for r in records}


def nights(reports, first, count):
    """``count`` more healthy nights: copies of the replayed run ``first``, one day apart before it."""
    meta = json.loads((first / "meta.json").read_text())
    names = []
    for i in range(1, count + 1):
        name = f"20261101-0{i}0000-inventory-h{i:03d}"
        shutil.copytree(first, reports / name)
        (reports / name / "meta.json").write_text(json.dumps({**meta, "run_id": name,
                                                              "started": meta["started"] - i * DAY}))
        names.append(name)
    return names


def test_a_regression_a_new_failure_and_a_failure_that_persists(healthy, tmp_path):
    reports = tmp_path / "reports"
    records, proc = replay(healthy, reports, "--layers", "13")
    assert by_name(records)[RING]["outcome"] == "passed", proc.stdout[-2000:]
    assert "history" not in by_name(records)[RING]  # nothing is compared without the option
    first = latest_run(reports)
    assert json.loads((first / "versions.json").read_text())["nodes"]["node01"]["nccl"] == "2.21.5"  # every run
    nights(reports, first, 5)
    faulted = tmp_path / "faulted"
    shutil.copytree(healthy, faulted)
    apply_fault(faulted, load_fault(SCENARIOS / "h100" / "faults" / "nccl_algo_in_nccl_conf.yml"))
    apply_fault(faulted, {"edits": [
        {"bench": "nccl-all_reduce-ring@node01+node02", "replace": SLOWER},
        {"node": "node01", "key": "nccl-version", "replace": ["2.21.5", "2.23.4"]},
        {"node": "node02", "key": "nccl-version", "replace": ["2.21.5", "2.23.4"]}]})

    records, proc = replay(faulted, reports, "--layers", "13", "--compare-history")
    bad = latest_run(reports)
    found = by_name(records)
    ring = found[RING]
    assert ring["outcome"] == "failed", proc.stdout[-3000:]
    window = f"runs 20261101-050000-inventory-h005..{first.name}"
    regression = (f"busbw 8 GiB 329.25 GB/s is 10.0% under the last 6 runs' median 365.83 (365.83..365.83; {window}): "
                  f"regressed (more than 3.5 robust sigma 1.83 and 5%); changed since {first.name}: "
                  "NCCL 2.21.5 -> 2.23.4 on all nodes")
    assert ring["message"].endswith(regression), ring["message"]
    # the baseline's own verdict comes first
    assert ring["message"].startswith("all_reduce 8 GiB busbw 329.2 GB/s is 13.4% under 380 GB/s (lower -10.5%, ")
    assert (ring["history"], ring["history_median"], ring["history_values"]) == \
        ("regressed", "365.83", ",".join(["365.83"] * 6))
    assert ring["changed"] == "NCCL 2.21.5 -> 2.23.4 on all nodes"
    algo = found[ALGO]
    assert (algo["outcome"], algo["history"], algo["history_last_green"], algo["changed"]) == \
        ("failed", "new failure", first.name, "NCCL 2.21.5 -> 2.23.4 on all nodes")
    assert [n for n, r in found.items() if r["outcome"] == "failed"] == [ALGO, RING]
    junit = (bad / "junit.xml").read_text()
    assert 'value="regressed"' in junit and 'value="new failure"' in junit
    assert json.loads((bad / "versions.json").read_text())["nodes"]["node01"]["nccl"] == "2.23.4"

    records, proc = replay(faulted, reports, "--layers", "13", "--compare-history", "3")
    found = by_name(records)
    assert found[ALGO]["history"] == f"still failing since {bad.name}"
    # the window is the last 3 runs (2 healthy, the regressed night): median 365.83, still 10% under it
    assert found[RING]["history_values"] == "365.83,365.83,329.25"
    assert found[RING]["outcome"] == "failed"


def test_a_bad_window_is_a_usage_error(healthy, tmp_path):
    from tests.scenario_tools import run_suites

    with pytest.raises(AssertionError, match="no run directory") as caught:
        run_suites(tmp_path / "reports", "--replay", str(healthy), "--compare-history", "since:soon")
    assert "--compare-history 'since:soon': expected since:YYYY-MM-DD" in str(caught.value)
