import pytest

from bringup.parsers import ParseError, rdma_link
from bringup.parsers.rdma_link import RdmaLink
from tests.parsers.platform_fixtures import fixture


def test_json():
    assert rdma_link.parse(fixture("rdma_link", "cx7.json")) == [
        RdmaLink("mlx5_0", 1, "ACTIVE", "LINK_UP", "enp24s0np0"), RdmaLink("mlx5_1", 1, "DOWN", "DISABLED", "enp42s0np0")]


def test_text_with_and_without_netdev():
    assert rdma_link.parse(fixture("rdma_link", "text.txt")) == [
        RdmaLink("mlx5_0", 1, "ACTIVE", "LINK_UP", "enp24s0np0"), RdmaLink("mlx5_2", 1, "ACTIVE", "LINK_UP", None)]


def test_garbled_text_raises():
    with pytest.raises(ParseError, match="line 1 is not `rdma link show` output: 'Failed to open NETLINK_RDMA socket'"):
        rdma_link.parse("Failed to open NETLINK_RDMA socket\n")


def test_truncated_json_raises():
    with pytest.raises(ParseError, match="JSON broken at line 1"):
        rdma_link.parse('[{"ifindex":0,"ifname":"mlx5_0","port":1,"sta')


def test_json_port_must_be_an_integer():
    # Found by tests/parsers/test_fuzz_parsers.py: int() accepted the string "1" and raised a bare error on others.
    text = fixture("rdma_link", "cx7.json").replace('"port":1', '"port":"1"', 1)
    with pytest.raises(ParseError) as raised:
        rdma_link.parse(text)
    assert str(raised.value) == "`rdma -j link` mlx5_0 port is '1', not an integer"
