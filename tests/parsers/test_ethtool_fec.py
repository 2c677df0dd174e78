import pytest

from bringup.parsers import ParseError, ethtool_fec
from tests.parsers.platform_fixtures import fixture


def test_rs_on_ethtool6():
    assert ethtool_fec.parse(fixture("ethtool_fec", "rs.txt")) == ethtool_fec.Fec("enp24s0np0", ("Auto", "RS"), "RS")


def test_ethtool4_label():
    assert ethtool_fec.parse(fixture("ethtool_fec", "ethtool4_configured.txt")) == ethtool_fec.Fec("ens1f0", ("Auto",), "RS")


def test_off():
    assert ethtool_fec.parse(fixture("ethtool_fec", "off.txt")).active == "Off"


def test_truncated_raises():
    with pytest.raises(ParseError, match="no 'Active FEC encoding' for enp24s0np0"):
        ethtool_fec.parse("FEC parameters for enp24s0np0:\nSupported/Configured FEC encodings: Auto RS\n")


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 1 is not `ethtool --show-fec` output: 'netlink error: Operation not supported'"):
        ethtool_fec.parse("netlink error: Operation not supported\n")
