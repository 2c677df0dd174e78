import pytest

from bringup.parsers import ParseError, ethtool_rings
from tests.parsers.platform_fixtures import fixture


def test_cx7_at_maximum():
    rings = ethtool_rings.parse(fixture("ethtool_rings", "cx7_ethtool6.txt"))
    assert (rings.maximum["RX"], rings.maximum["TX"], rings.current["RX"], rings.current["TX"]) == (8192, 8192, 8192, 8192)
    assert rings.current["RX Mini"] is None and rings.current["TX Push"] == "off"


def test_ethtool5_defaults():
    rings = ethtool_rings.parse(fixture("ethtool_rings", "ethtool5_small.txt"))
    assert (rings.netdev, rings.maximum["RX"], rings.current["RX"], rings.current["RX Jumbo"]) == ("ens1f0np0", 8192, 1024, 0)


def test_truncated_raises():
    with pytest.raises(ParseError, match="no current RX/TX ring sizes for enp24s0np0"):
        ethtool_rings.parse("Ring parameters for enp24s0np0:\nPre-set maximums:\nRX:\t\t8192\nTX:\t\t8192\n")


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 1 is not `ethtool -g` output: 'Cannot get device ring settings"):
        ethtool_rings.parse("Cannot get device ring settings: Operation not supported\n")
