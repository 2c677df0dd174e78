import pytest

from bringup.parsers import ParseError, ethtool
from tests.parsers.platform_fixtures import cut, fixture


def test_cx7_at_400g():
    link = ethtool.parse(fixture("ethtool", "cx7_400g.txt"))
    assert (link.netdev, link.speed_mbps, link.duplex, link.link_detected) == ("enp24s0np0", 400000, "Full", True)
    assert link.fields["Lanes"] == "4"
    assert link.fields["Supported link modes"].split()[-1] == "400000baseDR4/Full"  # continuation lines joined


def test_lab_veth_reports_10g():
    link = ethtool.parse(fixture("ethtool", "veth_lab.txt"))
    assert (link.speed_mbps, link.duplex, link.fields["Port"]) == (10000, "Full", "Twisted Pair")


def test_link_down_with_crlf():
    link = ethtool.parse(fixture("ethtool", "link_down_crlf.txt"))
    assert (link.netdev, link.speed_mbps, link.duplex, link.link_detected) == ("enp42s0np0", None, None, False)


def test_truncated_raises():
    with pytest.raises(ParseError, match="no 'Link detected' line for enp24s0np0"):
        ethtool.parse(cut(fixture("ethtool", "cx7_400g.txt")))


def test_garbled_header_raises():
    with pytest.raises(ParseError, match="line 1 should be 'Settings for <if>:', got 'Cannot get device settings"):
        ethtool.parse("Cannot get device settings: No such device\n")


def test_real_lab_veth():
    link = ethtool.parse(fixture("ethtool", "lab_rail1.txt"))
    assert (link.netdev, link.speed_mbps, link.duplex, link.link_detected) == ("rail1", 10000, "Full", True)


# ---- pasted captures (issue 13)

def test_ti_capture_pasted_with_its_prompt():
    link = ethtool.parse(fixture("ethtool", "ti_prueth_prompt.txt"))
    assert (link.netdev, link.speed_mbps, link.duplex, link.link_detected) == ("eth2", 100, "Full", True)
    assert link.fields["Link partner advertised link modes"] == "10baseT/Half 10baseT/Full 100baseT/Half 100baseT/Full"
    assert link.fields["Transceiver"] == "external"


def test_tabs_as_spaces_indentation_lost_and_no_final_newline():
    text = fixture("ethtool", "cx7_400g.txt")
    pasted = "root@node01:~# ethtool enp24s0np0\n" + "\n".join(line.lstrip() for line in text.expandtabs(8).split("\n"))
    assert ethtool.parse(pasted.rstrip("\n")) == ethtool.parse(text)


def test_paste_cut_inside_the_last_line_raises():
    text = fixture("ethtool", "ti_prueth_prompt.txt")
    with pytest.raises(ParseError, match="output ends mid-line .*'      Link detected: ye'"):
        ethtool.parse(text[: text.index("yes\n") + 2])


def test_paste_cut_before_link_detected_raises():
    text = fixture("ethtool", "ti_prueth_prompt.txt")
    with pytest.raises(ParseError, match="no 'Link detected' line for eth2: output truncated"):
        ethtool.parse(text[: text.index("      Link detected")])
