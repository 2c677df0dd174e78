"""The traffic rows' pure parts: the probe commands (quoting, ports, CUDA), the priority share of a counter
diff and the fleet-outlier rule."""

import shlex

import pytest

from bringup.inventory import load_inventory
from bringup.checks.traffic import low_outlier_limit, priority_share
from tests.scenario_tools import SCENARIOS

STATS = "NIC statistics:\n     tx_bytes: {total}\n     tx_prio0_bytes: {p0}\n     tx_prio3_bytes: {p3}\n"


def test_share_of_the_roce_priority():
    before = STATS.format(total=100, p0=40, p3=60)
    after = STATS.format(total=10_100, p0=140, p3=10_060)
    share = priority_share(before, after, 3)
    assert share.deltas == {0: 100, 3: 10_000}
    assert share.share == pytest.approx(10_000 / 10_100)
    assert share.busiest == 3


def test_traffic_on_priority_0_has_no_share():
    share = priority_share(STATS.format(total=0, p0=0, p3=0), STATS.format(total=9, p0=9, p3=0), 3)
    assert (share.share, share.busiest) == (0.0, 0)


def test_driver_without_per_priority_counters_is_an_error():
    plain = "NIC statistics:\n     tx_bytes: 5\n"
    with pytest.raises(ValueError, match="no tx_prio3_bytes"):
        priority_share(plain, plain, 3)


def test_outlier_limit_ignores_the_outlier_itself():
    rule = low_outlier_limit([392.0, 391.5, 391.8, 392.1, 391.9, 241.5], 3)
    assert rule.median == pytest.approx(391.85)
    assert rule.sigma == pytest.approx(0.01 * 391.85)  # MAD 0.2 -> 0.3 Gb/s, under the 1% floor
    assert 241.5 < rule.limit < 391.5


def test_outlier_limit_on_a_spread_fleet_uses_the_spread():
    values = [300.0, 310.0, 320.0, 330.0, 340.0]
    rule = low_outlier_limit(values, 3)
    assert rule.sigma == pytest.approx(1.4826 * 10)
    assert rule.limit == pytest.approx(320 - 3 * 14.826)


def test_outlier_needs_four_samples():
    assert low_outlier_limit([1.0, 2.0, 3.0], 3) is None


@pytest.fixture(scope="module")
def h100():
    return load_inventory(str(SCENARIOS / "h100" / "inventory"))


def test_nccl_log_job_is_the_ring_all_reduce_benchmark_with_init_net_logging(h100):
    """One NCCL job serves the benchmark, L12 "NCCL sees GDR" and L13 "NCCL init log" (bringup/checks/nccl.py)."""
    from bringup.bench import catalogue, launchers, plan
    from bringup.checks.nccl import CASE

    case = catalogue.default().case(CASE)
    runs = [p for p in plan.plan_case(case, list(h100.nodes)) if p.skip is None]
    assert [r.id for r in runs] == ["nccl-all_reduce-ring@node01+node02"]
    argv = launchers.launch(case, list(runs[0].nodes)).argv
    assert "NCCL_DEBUG=INFO" in argv and "NCCL_DEBUG_SUBSYS=INIT,NET" in argv
    assert argv[argv.index("srun"):argv.index("srun") + 5] == ["srun", "-N", "2", "-w", "node01,node02"]
