import pytest

from bringup.parsers import ParseError, grep_h


def test_paths_and_under():
    text = "/sys/class/net/e/device/sriov_totalvfs:16\r\n/sys/class/net/e/device/sriov_numvfs:8\r\n"
    values = grep_h.parse(text)
    assert grep_h.under(values, "/sys/class/net/e/device") == {"sriov_totalvfs": "16", "sriov_numvfs": "8"}


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 2 is not `grep -H` output"):
        grep_h.parse("/sys/a:1\nPermission denied\n")
