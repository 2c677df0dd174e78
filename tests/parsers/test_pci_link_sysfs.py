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
