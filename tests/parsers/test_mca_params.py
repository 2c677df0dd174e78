import pytest

from bringup.parsers import ParseError, mca_params
from tests.parsers.platform_fixtures import fixture


def test_file_then_environment_later_wins():
    assert mca_params.parse(fixture("mca_params", "debian_file_then_env.txt")) == {
        "btl": "^openib,uct",
        "oob_tcp_if_include": "enp75s0f0np0",
        "pml": "ob1",
        "btl_tcp_if_include": "enp75s0f0np0,198.19.0.0/24",
    }


def test_empty_sets_nothing():
    assert mca_params.parse("") == {}


def test_garbage_raises():
    with pytest.raises(ParseError, match="line 2"):
        mca_params.parse("pml = ucx\nthis is not a parameter\n")
