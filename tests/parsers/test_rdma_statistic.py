import pytest

from bringup.parsers import ParseError, rdma_statistic
from tests.parsers.platform_fixtures import cut, fixture


def test_hw_counters():
    counters = rdma_statistic.parse(fixture("rdma_statistic", "cx7.json"))["mlx5_0/1"]
    assert (counters["np_cnp_sent"], counters["rp_cnp_handled"], counters["out_of_sequence"]) == (118, 96, 0)
    assert "optional-counters" not in counters and len(counters) == 14


def test_truncated_raises():
    with pytest.raises(ParseError, match="JSON broken at line 1"):
        rdma_statistic.parse(cut(fixture("rdma_statistic", "cx7.json")))
