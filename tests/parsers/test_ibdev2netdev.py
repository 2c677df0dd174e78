import pytest

from bringup.parsers import ParseError, ibdev2netdev
from bringup.parsers.ibdev2netdev import Mapping
from tests.parsers.platform_fixtures import fixture


def test_short():
    assert ibdev2netdev.parse(fixture("ibdev2netdev", "short.txt")) == [
        Mapping("mlx5_0", 1, "enp24s0np0", True), Mapping("mlx5_1", 1, "enp42s0np0", False)]


def test_verbose():
    assert ibdev2netdev.parse(fixture("ibdev2netdev", "verbose.txt")) == [Mapping("mlx5_0", 1, "enp24s0np0", True)]


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 2 is not `ibdev2netdev` output: 'mlx5_1 port 1 ==> enp4'"):
        ibdev2netdev.parse("mlx5_0 port 1 ==> enp24s0np0 (Up)\nmlx5_1 port 1 ==> enp4")
