"""The regression gate's decisions on synthetic histories (bringup/history/gate.py): every rule passes and fails
for its own reason, with exact messages."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bringup.history import gate
from bringup.history.gate import Policy, Window, judge_check, judge_rows, judge_run

POLICY = Policy()  # window 7, min 5, k 3.5, 5%, floor 0.5%, fail
DAY = pd.Timedelta(days=1)
T0 = pd.Timestamp("2026-11-01 02:00", tz="UTC")


def run_id(i: int) -> str:
    return f"202611{i + 1:02d}-020000-prod-{i:04x}"


def bench(i: int, rail: str, value: float, metric: str = "busbw", unit: str = "GB/s") -> dict:
    case = f"nccl-sendrecv-rail@{rail}@node01+node02"
    return {"run_id": run_id(i), "run_dir": run_id(i), "started": T0 + i * DAY, "kind": "bench",
            "key": f"{case} {metric} 8 GiB", "value": value, "metric": metric, "size": float(8 << 30),
            "unit": unit, "benchmark": "nccl-tests", "outcome": "pass", "node": "node01", "rail": rail}


def check(i: int, outcome: str, key: str = "test_link_speed[node03-rail1]") -> dict:
    return {"run_id": run_id(i), "run_dir": run_id(i), "started": T0 + i * DAY, "kind": "check", "key": key,
            "value": np.nan, "metric": "", "size": np.nan, "unit": "", "benchmark": "", "outcome": outcome,
            "node": "node03", "rail": "rail1"}


NOISE = [352.9, 350.1, 355.2, 356.0, 349.8, 353.7, 351.4, 354.6]  # +-1%: a healthy rail night to night


def history(values_by_rail: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([bench(i, rail, v) for rail, values in values_by_rail.items() for i, v in enumerate(values)])


def findings(frame: pd.DataFrame, run: int, policy: Policy = POLICY) -> dict[str, gate.Finding]:
    return {f.key.split("@")[1]: f for f in judge_run(frame, run_id(run), policy)}


def test_noise_alone_is_no_regression():
    frame = history({"rail0": NOISE + [348.6], "rail1": NOISE[::-1] + [357.5]})  # 348.6 is the window's low
    assert findings(frame, 8) == {}
    everything = judge_rows(frame, frame[frame["run_id"] == run_id(8)], run_id(8), T0 + 8 * DAY, POLICY)
    assert [f.status for f in everything] == ["ok", "ok"]


def test_a_10_percent_drop_on_one_rail_regresses_with_the_window_in_the_message():
    frame = history({"rail0": NOISE + [318.2], "rail1": NOISE + [353.0]})
    found = findings(frame, 8)
    assert list(found) == ["rail0"]
    f = found["rail0"]
    assert f.status == "regressed"
    # window: the last 7 runs (1..7): median 353.7, MAD 2.3 -> sigma 3.41; threshold max(3.5 sigma 11.9, 5% 17.7)
    assert f.message == ("busbw 8 GiB 318.2 GB/s is 10.0% under the last 7 runs' median 353.7 (349.8..356; "
                         f"runs {run_id(1)}..{run_id(7)}): regressed (more than 3.5 robust sigma 3.41 and 5%)")
    assert f.values == (350.1, 355.2, 356.0, 349.8, 353.7, 351.4, 354.6)
    assert f.last_green == run_id(7)
    props = dict(f.properties())
    assert props["history"] == "regressed" and props["history_median"] == "353.7"
    assert props["history_values"] == "350.1,355.2,356,349.8,353.7,351.4,354.6"
    assert props["history_runs"].split(",")[0] == run_id(1)


def test_a_drop_inside_the_practical_delta_is_not_a_regression_even_beyond_k_sigma():
    steady = [350.0, 350.2, 349.9, 350.1, 350.0, 349.8, 350.1]  # MAD 0.1: 3.5 sigma is only 1.7 GB/s
    frame = history({"rail0": steady + [336.0]})  # 4.0% under: many sigmas, but under the 5% practical delta
    assert findings(frame, 7) == {}
    frame = history({"rail0": steady + [330.0]})  # 5.7% under: both
    assert findings(frame, 7)["rail0"].status == "regressed"


def test_a_noisy_figure_needs_more_than_k_sigma():
    noisy = [300.0, 340.0, 360.0, 320.0, 380.0, 330.0, 370.0]  # MAD 20 -> sigma 29.7, 3.5 sigma = 104
    frame = history({"rail0": noisy + [290.0]})  # 14.7% under the median 340: beyond 5%, within 3.5 sigma
    assert findings(frame, 7) == {}
    frame = history({"rail0": noisy + [230.0]})
    assert findings(frame, 7)["rail0"].status == "regressed"


def test_mad_zero_does_not_make_every_wiggle_a_regression():
    flat = [392.18] * 7  # perftest at line rate: identical every night, MAD 0
    frame = history({"rail0": flat + [391.5]})
    assert findings(frame, 7) == {}
    ok = judge_rows(frame, frame[frame["run_id"] == run_id(7)], run_id(7), T0 + 7 * DAY, POLICY)[0]
    assert ok.status == "ok" and ok.message.startswith("busbw 8 GiB 391.5 GB/s is 0.2% under the last 7 runs' "
                                                       "median 392.18 (392.18..392.18; ")
    frame = history({"rail0": flat + [352.96]})  # 10% under
    assert findings(frame, 7)["rail0"].status == "regressed"


def test_a_too_short_window_gives_no_judgement_with_the_reason():
    frame = history({"rail0": [352.9, 350.1, 355.2, 200.0]})
    f = judge_rows(frame, frame[frame["run_id"] == run_id(3)], run_id(3), T0 + 3 * DAY, POLICY)[0]
    assert f.status == "no-judgement" and not f.alarm
    assert f.message == "busbw 8 GiB 200 GB/s: no judgement, only 3 earlier runs measured it (policy min_window 5)"
    assert findings(frame, 3) == {}


def test_latency_regresses_upward():
    lat = [2.51, 2.49, 2.50, 2.52, 2.50, 2.48, 2.51]
    frame = pd.DataFrame([bench(i, "rail0", v, "latency", "us") for i, v in enumerate(lat + [2.80])])
    f = findings(frame, 7)["rail0"]
    assert f.message.startswith("latency 8 GiB 2.8 us is 12.0% over the last 7 runs' median 2.5 (2.48..2.52; ")
    frame = pd.DataFrame([bench(i, "rail0", v, "latency", "us") for i, v in enumerate(lat + [2.30])])
    assert findings(frame, 7) == {}  # faster is never a regression


def test_window_since_a_date_and_per_benchmark_policy():
    frame = history({"rail0": [200.0] * 3 + NOISE[:6] + [318.2]})
    since = Window.parse("since:2026-11-04", POLICY)
    f = judge_run(frame, run_id(9), POLICY, since)[0]
    assert f.values == tuple(NOISE[:6]) and f.runs[0] == run_id(3)
    loose = Policy(per_benchmark={"nccl-tests": {"min_delta_pct": 15.0}})
    assert judge_run(frame, run_id(9), loose, since) == []


def test_window_parse():
    assert Window.parse(None, POLICY) == Window(runs=7)
    assert Window.parse("", POLICY) == Window(runs=7)
    assert Window.parse("10", POLICY) == Window(runs=10)
    assert Window.parse("since:2026-11-01", POLICY).since == pd.Timestamp("2026-11-01", tz="UTC")
    with pytest.raises(ValueError, match=r"--compare-history 'week': expected a number of runs or since:YYYY-MM-DD"):
        Window.parse("week", POLICY)
    with pytest.raises(ValueError, match="at least 1"):
        Window.parse("0", POLICY)


def test_policy_file_loads_and_rejects_unknown_keys(tmp_path):
    assert gate.load_policy() == Policy(window_runs=7, min_window=5, k_sigma=3.5, min_delta_pct=5.0,
                                        sigma_floor_pct=0.5, action="fail", per_benchmark={})
    bad = tmp_path / "p.yml"
    bad.write_text("k_sigma: 3\nksigma: 4\n")
    with pytest.raises(ValueError, match=r"p.yml: unknown gate policy keys ksigma"):
        gate.load_policy(bad)
    bad.write_text("action: page-someone\n")
    with pytest.raises(ValueError, match="action must be warn or fail"):
        gate.load_policy(bad)


# ------------------------------------------------------------------ checks


def test_new_failure_and_still_failing_since():
    frame = pd.DataFrame([check(0, "passed"), check(1, "passed"), check(2, "failed")])
    f = findings_checks(frame, 2)
    assert (f.status, f.message, f.last_green) == ("new failure", f"new failure: passed in {run_id(1)}", run_id(1))
    assert dict(f.properties())["history"] == "new failure"
    frame = pd.DataFrame([check(0, "passed"), check(1, "failed"), check(2, "blocked"), check(3, "error"),
                          check(4, "failed")])
    f = findings_checks(frame, 4)
    assert (f.status, f.message, f.since, f.last_green) == ("still failing", f"still failing since {run_id(1)}",
                                                            run_id(1), run_id(0))
    assert dict(f.properties())["history"] == f"still failing since {run_id(1)}"


def findings_checks(frame: pd.DataFrame, run: int) -> gate.Finding:
    found = judge_run(frame, run_id(run), POLICY)
    assert len(found) == 1
    return found[0]


def test_a_passing_check_or_one_never_seen_has_no_finding():
    frame = pd.DataFrame([check(0, "failed"), check(1, "passed")])
    assert judge_run(frame, run_id(1), POLICY) == []
    assert judge_check("k", "now", "failed", frame.iloc[0:0]) is None
    only_skipped = pd.DataFrame([check(0, "skipped"), check(1, "blocked")])
    assert judge_check("k", "now", "failed", only_skipped) is None


def test_findings_name_what_changed_since_the_last_green_run(tmp_path):
    frame = pd.DataFrame([check(0, "passed"), check(1, "failed")] + [bench(i, "rail0", v) for i, v in
                                                                      enumerate(NOISE[:7] + [318.2])])
    docs = {run_id(0): ("2.21.5", "28.39.1002"), run_id(1): ("2.23.4", "28.41.1000"),
            run_id(6): ("2.21.5", "28.39.1002"), run_id(7): ("2.23.4", "28.39.1002")}
    for name, (nccl, fw) in docs.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "versions.json").write_text(json.dumps({"inventory_digest": "d1", "nodes": {
            "node01": {"nccl": nccl, "firmware": "28.39.1002"}, "node03": {"nccl": nccl, "firmware": fw}}}))
    found = judge_run(frame, run_id(1), POLICY, reports_dir=tmp_path)
    assert [f.message for f in found] == [
        f"new failure: passed in {run_id(0)}; changed since {run_id(0)}: "
        "NCCL 2.21.5 -> 2.23.4 on all nodes; node03 firmware 28.39.1002 -> 28.41.1000"]
    found = judge_run(frame, run_id(7), POLICY, reports_dir=tmp_path)
    assert found[0].changed == "NCCL 2.21.5 -> 2.23.4 on all nodes"
    assert dict(found[0].properties())["changed"] == "NCCL 2.21.5 -> 2.23.4 on all nodes"


# ------------------------------------------------------------------ the benchmark verdict, as a suite run amends it


def test_a_regression_fails_or_warns_the_benchmark_verdict_as_policy_says(tmp_path):
    from types import SimpleNamespace

    from bringup.bench.verdict import CaseVerdict
    from bringup.history.gate_plugin import HistoryGate

    frame = history({"rail0": NOISE[:7]})
    judged = pd.DataFrame([{"case": "nccl-sendrecv-rail@rail0@node01+node02", "benchmark": "nccl-tests",
                            "op": "sendrecv", "size": 8 << 30, "metric": "busbw", "value": 318.2, "unit": "GB/s",
                            "subject": "rail0@node01+node02", "valid": True, "outcome": "pass"}])
    run = SimpleNamespace(id="nccl-sendrecv-rail@rail0@node01+node02", layer=13)
    passed = CaseVerdict("pass", "", "318.2", "300", "GB/s")
    for action, outcome in (("fail", "fail"), ("warn", "warn")):
        found = HistoryGate(tmp_path, "", SimpleNamespace(run=None))
        found.policy = Policy(action=action)
        found._history, found._positions = frame, gate.index_by_key(frame)
        amended = found.amend(run, passed, judged)
        expected = (f"busbw 8 GiB 318.2 GB/s is 9.8% under the last 7 runs' median 352.9 (349.8..356; runs "
                    f"{run_id(0)}..{run_id(6)}): regressed (more than 3.5 robust sigma 3.41 and 5%)")
        assert amended.outcome == outcome
        assert (amended.message if action == "fail" else amended.warnings) == \
            (expected if action == "fail" else (expected,))
        assert dict(amended.properties)["history"] == "regressed"
    judged.loc[0, "value"] = 351.0
    steady = found.amend(run, passed, judged)
    assert (steady.outcome, dict(steady.properties)["history"]) == ("pass", "ok")
