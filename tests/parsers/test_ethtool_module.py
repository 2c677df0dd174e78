import pytest

from bringup.parsers import ParseError, ethtool_module
from tests.parsers.platform_fixtures import fixture


def test_osfp_dom():
    module = ethtool_module.parse(fixture("ethtool_module", "osfp_cmis.txt"))
    assert module.identifier == "0x19 (OSFP 8X Pluggable Transceiver)"
    assert module.temperature_c == 46.21
    assert (module.threshold_c("low alarm"), module.threshold_c("high alarm")) == (-5.0, 80.0)
    assert module.raised_flags == []
    assert module.fields["Rcvr signal avg optical power (Channel 3)"] == "1.2303 mW / 0.90 dBm"


def test_hot_module_raises_alarm_flag():
    module = ethtool_module.parse(fixture("ethtool_module", "osfp_hot_alarm.txt"))
    assert (module.temperature_c, module.raised_flags) == (81.5, ["Module temperature high alarm"])


def test_dac_has_no_dom():
    module = ethtool_module.parse(fixture("ethtool_module", "qsfp28_dac.txt"))
    assert (module.identifier, module.temperature_c, module.fields["Vendor PN"]) == ("0x11 (QSFP28)", None, "MCP1600-C002E30N")


def test_line_cut_mid_label_raises():
    text = "".join(fixture("ethtool_module", "osfp_cmis.txt").splitlines(keepends=True)[:3]) + "\tModule temperat"
    with pytest.raises(ParseError, match="line 4 is not an `ethtool -m` 'label : value' line: 'Module temperat'"):
        ethtool_module.parse(text)


def test_truncated_without_identifier_raises():
    with pytest.raises(ParseError, match="no 'Identifier' line"):
        ethtool_module.parse("\tModule temperature : 46.21 degrees C / 115.18 degrees F\n")


def test_malformed_temperature_is_unreadable():
    # Same class as the fuzz finding in ping: `[0-9.]+` let 46.2.1 through to float(), a bare ValueError.
    text = fixture("ethtool_module", "osfp_cmis.txt").replace(": 46.21 degrees C", ": 46.2.1 degrees C", 1)
    with pytest.raises(ParseError) as raised:
        ethtool_module.parse(text)
    assert str(raised.value) == "unreadable Module temperature '46.2.1 degrees C / 115.18 degrees F'"
