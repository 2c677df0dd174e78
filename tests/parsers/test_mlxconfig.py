import pytest

from bringup.parsers import ParseError, mlxconfig
from tests.parsers.platform_fixtures import cut, fixture


def test_query_next_boot_column():
    conf = mlxconfig.parse(fixture("mlxconfig", "cx7_query.txt"))
    assert conf.device["Device type"] == "ConnectX7"
    assert conf.device["Device"] == "0000:5d:00.0"
    assert conf.get("LINK_TYPE_P1") == "ETH(2)"
    assert conf.get("SRIOV_EN") == "False(0)"
    assert conf.get("ROCE_CC_PRIO_MASK_P1") == "255"
    assert (conf.get("CNP_DSCP_P1"), conf.get("CNP_802P_PRIO_P1")) == ("48", "6")
    assert conf.get("EXP_ROM_UEFI_x86_ENABLE") == "True(1)"
    assert conf.get("HOST_CHAINING_DESCRIPTORS") == "Array[0..7]"
    assert len(conf.values) == 132


def test_extended_query_takes_current_column():
    conf = mlxconfig.parse(fixture("mlxconfig", "cx7_extended.txt"))
    assert conf.get("LINK_TYPE_P1") == "ETH(2)"  # Default IB(1), Current ETH(2)
    assert conf.get("ADVANCED_PCI_SETTINGS") == "False(0)" and conf.next_boot["ADVANCED_PCI_SETTINGS"] == "True(1)"
    assert conf.get("SRIOV_EN") == "True(1)"


def test_compare_by_stored_number():
    assert mlxconfig.same("ETH(2)", "ETH(2)") and mlxconfig.same("True(1)", "True(1)")
    assert mlxconfig.same("255", 255) and mlxconfig.same("16", 16)
    assert not mlxconfig.same("IB(1)", "ETH(2)") and not mlxconfig.same(None, "False(0)")


def test_truncated_before_configurations_raises():
    with pytest.raises(ParseError, match="no `Configurations:` section"):
        mlxconfig.parse(cut(fixture("mlxconfig", "cx7_query.txt"), 0.03))


def test_cut_row_raises_with_line():
    text = fixture("mlxconfig", "cx7_query.txt")
    text = text[: text.index("LINK_TYPE_P1") + len("LINK_TYPE_P1")]
    with pytest.raises(ParseError, match=r"line \d+ is not a configuration row with 1 value\(s\): 'LINK_TYPE_P1'"):
        mlxconfig.parse(text)


def test_tool_error_raises():
    with pytest.raises(ParseError, match="-E- Failed to open the device"):
        mlxconfig.parse("-E- Failed to open the device\n")
