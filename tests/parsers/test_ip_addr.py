import ipaddress

import pytest

from bringup.parsers import ParseError, ip_addr
from tests.parsers.platform_fixtures import cut, fixture


def test_rail_address():
    found = ip_addr.parse(fixture("ip_addr", "lab.json"))
    assert sorted(found) == ["enp24s0np0", "lo", "peer0"]
    assert found["enp24s0np0"].ipv4 == (ipaddress.IPv4Interface("198.19.16.11/24"),)
    assert found["peer0"].ipv4 == () and len(found["peer0"].ipv6) == 1


def test_truncated_raises():
    with pytest.raises(ParseError, match="JSON broken at line 1"):
        ip_addr.parse(cut(fixture("ip_addr", "lab.json")))


def test_garbled_entry_raises():
    with pytest.raises(ParseError, match="enp1: unreadable addr_info entry"):
        ip_addr.parse('[{"ifname":"enp1","addr_info":[{"family":"inet","local":"198.19.16.300","prefixlen":24}]}]')
