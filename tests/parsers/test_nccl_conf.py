import pytest

from bringup.parsers import ParseError, nccl_conf
from tests.parsers.platform_fixtures import fixture


def test_site_file():
    assert nccl_conf.parse(fixture("nccl_conf", "site_nccl_conf.txt")) == {
        "NCCL_IB_HCA": "mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7",
        "NCCL_IB_TC": "106",
        "NCCL_SOCKET_IFNAME": "enp75s0f0np0",
    }


def test_sourced_env_file_with_export_quotes_crlf():
    assert nccl_conf.parse(fixture("nccl_conf", "sourced_env_crlf.txt")) == {
        "NCCL_DEBUG": "INFO", "NCCL_IB_HCA": "=mlx5_0:1,mlx5_3:1", "NCCL_ALGO": "Ring"}


def test_empty_file_sets_nothing():
    assert nccl_conf.parse("") == {}


@pytest.mark.parametrize("spec, device, selected", [
    ("mlx5_0,mlx5_1", "mlx5_1", True),
    ("mlx5", "mlx5_7", True),            # prefix match
    ("mlx5_1", "mlx5_10", True),         # prefixes match longer names too (why '=' exists)
    ("=mlx5_1", "mlx5_10", False),
    ("=mlx5_0:1,mlx5_3:1", "mlx5_3", True),
    ("mlx5_0:2", "mlx5_0", False),       # port 2 only
    ("^mlx5_8,mlx5_9", "mlx5_2", True),  # exclusion list
    ("^mlx5_8,mlx5_9", "mlx5_9", False),
])
def test_hca_selection(spec, device, selected):
    assert nccl_conf.hca_matches(spec, device) is selected


def test_garbled_line_raises():
    with pytest.raises(ParseError, match="line 2 is not a NAME=value line: 'NCCL_IB_T'"):
        nccl_conf.parse("NCCL_IB_HCA=mlx5\nNCCL_IB_T\n")
