import pytest

from bringup.parsers import ParseError, pci_link_sysfs
from tests.parsers.platform_fixtures import fixture


def test_gen5_x16():
    link = pci_link_sysfs.parse(fixture("pci_link_sysfs", "cx7_gen5_x16.txt"))
    assert link == pci_link_sysfs.SysfsLink(32.0, 16, 32.0, 16)
    assert not link.downgraded


def test_old_kernel_format_downgraded():
    link = pci_link_sysfs.parse(fixture("pci_link_sysfs", "kernel4_downgraded_crlf.txt"))
    assert link == pci_link_sysfs.SysfsLink(8.0, 8, 16.0, 16)
    assert link.downgraded


def test_link_down_reads_unknown():
    link = pci_link_sysfs.parse("current_link_speed:Unknown\ncurrent_link_width:0\n"
                                "max_link_speed:32.0 GT/s PCIe\nmax_link_width:16\n")
    assert link.speed_gts is None and link.downgraded


def test_truncated_raises():
    with pytest.raises(ParseError, match="missing max_link_speed, max_link_width"):
        pci_link_sysfs.parse("current_link_speed:32.0 GT/s PCIe\ncurrent_link_width:16\n")


def test_error_text_raises():
    with pytest.raises(ParseError, match="line 1 is not a PCIe link attribute"):
        pci_link_sysfs.parse("grep: current_link_speed: No such file or directory\n")


def test_malformed_speed_and_signed_width_raise_naming_the_line():
    # Found by tests/parsers/test_fuzz_parsers.py: `3.2.0 GT/s` raised a bare ValueError from float(); int() read `+16`.
    text = fixture("pci_link_sysfs", "cx7_gen5_x16.txt")
    with pytest.raises(ParseError) as raised:
        pci_link_sysfs.parse(text.replace("32.0 GT/s", "3.2.0 GT/s", 1))
    assert str(raised.value) == "line 1: not a link speed: '3.2.0 GT/s PCIe'"
    with pytest.raises(ParseError) as raised:
        pci_link_sysfs.parse(text.replace("max_link_width:16", "max_link_width:+16"))
    assert str(raised.value) == "line 4: max_link_width is not a number of lanes: '+16'"
