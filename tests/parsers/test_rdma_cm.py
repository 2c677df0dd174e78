import pytest

from bringup.parsers import ParseError, rdma_cm
from bringup.parsers.rdma_cm import CmDefaults
from tests.parsers.platform_fixtures import fixture


def test_mode_and_tos():
    assert rdma_cm.parse(fixture("rdma_cm", "mlx5_0.txt")) == {("mlx5_0", 1): CmDefaults("mlx5_0", 1, "RoCE v2", 106)}


def test_empty_raises():
    with pytest.raises(ParseError, match="no default_roce_mode/default_roce_tos lines"):
        rdma_cm.parse("")


def test_garbled_tos_raises():
    with pytest.raises(ParseError, match="mlx5_0 port 1: default_roce_tos 'ten' is not a number"):
        rdma_cm.parse("/sys/kernel/config/rdma_cm/mlx5_0/ports/1/default_roce_tos:ten\n")
