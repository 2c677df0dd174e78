import pytest

from bringup.parsers import ParseError, rdma_system
from bringup.parsers.rdma_system import RdmaSystem
from tests.parsers.platform_fixtures import fixture


def test_json_shared():
    assert rdma_system.parse(fixture("rdma_system", "new.json")) == RdmaSystem("shared", True)


def test_old_text_exclusive():
    assert rdma_system.parse(fixture("rdma_system", "exclusive_old.txt")) == RdmaSystem("exclusive", None)


def test_garbled_raises():
    with pytest.raises(ParseError, match="no netns shared|exclusive"):
        rdma_system.parse("Failed to open NETLINK_RDMA socket\n")
