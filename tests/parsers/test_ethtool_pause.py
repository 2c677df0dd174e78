import pytest

from bringup.parsers import ParseError, ethtool_pause
from tests.parsers.platform_fixtures import fixture


def test_pause_off():
    assert ethtool_pause.parse(fixture("ethtool_pause", "off.txt")) == ethtool_pause.Pause("enp24s0np0", False, False, False)


def test_pause_on_with_negotiated_lines():
    assert ethtool_pause.parse(fixture("ethtool_pause", "on_negotiated.txt")) == ethtool_pause.Pause("eno1", True, True, True)


def test_truncated_raises():
    with pytest.raises(ParseError, match="no RX/TX pause lines for enp24s0np0"):
        ethtool_pause.parse("Pause parameters for enp24s0np0:\nAutonegotiate:\toff\n")


def test_garbled_value_raises():
    with pytest.raises(ParseError, match="line 3: expected on/off, got 'maybe'"):
        ethtool_pause.parse("Pause parameters for x:\nAutonegotiate:\toff\nRX:\t\tmaybe\n")
