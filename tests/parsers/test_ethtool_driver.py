from pathlib import Path

import pytest

from bringup.parsers import ParseError, ethtool_driver

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ethtool_driver"


def test_connectx_firmware_and_psid():
    info = ethtool_driver.parse((FIXTURES / "cx7_doca.txt").read_text())
    assert (info.driver, info.version, info.firmware, info.psid, info.bus_info) == (
        "mlx5_core", "24.10-1.1.4", "28.42.1000", "MT_0000000838", "0000:18:00.0")


def test_device_without_firmware():
    info = ethtool_driver.parse((FIXTURES / "veth_captured.txt").read_text())
    assert info.firmware == "" and info.psid is None


def test_truncated_output_is_an_error():
    with pytest.raises(ParseError, match="no 'firmware-version' line"):
        ethtool_driver.parse("driver: mlx5_core\nversion: 24.10-1.1.4\n")


def test_ti_capture_pasted_with_its_prompt():
    # Issue 13: `~# ethtool -i eth2` above the output, as pasted in TI's processor-sdk-doc.
    info = ethtool_driver.parse((FIXTURES / "ti_prueth_prompt.txt").read_text())
    assert (info.driver, info.version, info.firmware, info.psid, info.bus_info) == ("prueth", "", "", None, "pruss2-eth")
