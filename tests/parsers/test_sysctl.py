import pytest

from bringup.parsers import ParseError, sysctl
from tests.parsers.platform_fixtures import fixture


def test_rail_keys_as_ints():
    assert sysctl.parse_int(fixture("sysctl", "rail_keys.txt")) == {
        "net.ipv4.conf.all.arp_ignore": 0, "net.ipv4.conf.all.arp_announce": 0,
        "net.ipv4.conf.all.rp_filter": 0, "net.ipv4.conf.enp24s0np0.rp_filter": 0}


def test_dash_a_variants():
    values = sysctl.parse(fixture("sysctl", "dash_a_excerpt.txt"))
    assert values["net.ipv4.ip_local_port_range"] == "32768\t60999"
    assert values["net.ipv4.conf.eth0/10.rp_filter"] == "2"
    assert values["kernel.domainname"] == "(none)"


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 2 is not a sysctl 'key = value' line: 'sysctl: permission denied"):
        sysctl.parse("net.ipv4.conf.all.rp_filter = 0\nsysctl: permission denied on key x\n")


def test_non_integer_raises():
    with pytest.raises(ParseError, match="non-integer sysctl value"):
        sysctl.parse_int("net.ipv4.ip_local_port_range = 32768\t60999\n")


def test_real_lab_rail_sysctls():
    values = sysctl.parse_int(fixture("sysctl", "lab_node01.txt"))
    assert (values["net.ipv4.conf.all.rp_filter"], values["net.ipv4.conf.rail1.rp_filter"]) == (2, 0)
    assert len(values) == 9
