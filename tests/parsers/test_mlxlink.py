import pytest

from bringup.parsers import ParseError, mlxlink
from tests.parsers.platform_fixtures import fixture


def test_cx7_colored_output():
    info = mlxlink.parse(fixture("mlxlink", "cx7_400g_color.txt"))
    assert (info.state, info.physical_state, info.fields["Speed"]) == ("Active", "LinkUp", "400G")
    assert info.fields["FEC"] == "Standard_RS-FEC - (544,514)"
    assert (info.ber("Effective Physical BER"), info.ber("Raw Physical BER")) == (15e-255, 2e-12)


def test_no_state_raises():
    with pytest.raises(ParseError, match="line 1 is not an mlxlink 'Field : value' line: '-E- Failed to open device"):
        mlxlink.parse("-E- Failed to open device: 0000:18:00.0\n")


def test_garbled_ber_raises():
    text = fixture("mlxlink", "cx7_400g_color.txt").replace("2E-12", "N/A?")
    with pytest.raises(ParseError, match="Raw Physical BER 'N/A\\?' is not a number"):
        mlxlink.parse(text)
