import pytest

from bringup.parsers import ParseError, ofed_info
from tests.parsers.platform_fixtures import fixture


def test_mlnx_ofed():
    assert ofed_info.parse(fixture("ofed_info", "mlnx_ofed.txt")) == ofed_info.OfedInfo("MLNX_OFED_LINUX", "23.10-1.1.9.0")


def test_doca_host_with_crlf():
    assert ofed_info.parse(fixture("ofed_info", "doca_host_crlf.txt")) == ofed_info.OfedInfo("OFED-internal", "24.10-1.1.4")


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 1 is not `ofed_info -s` output: 'ofed_info: command not found'"):
        ofed_info.parse("ofed_info: command not found\n")


def test_full_listing_instead_of_short_raises():
    with pytest.raises(ParseError, match="one line; got 2"):
        ofed_info.parse("MLNX_OFED_LINUX-23.10-1.1.9.0 (OFED-23.10-1.1.9):\n\ncompat-rdma:\n")
