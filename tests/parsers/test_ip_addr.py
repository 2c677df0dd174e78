import ipaddress
import json

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


def test_json_of_another_shape_raises():
    # Found by tests/parsers/test_fuzz_parsers.py: a number where addr_info's list belongs raised a bare TypeError.
    document = json.loads(fixture("ip_addr", "lab.json"))
    document[0]["addr_info"] = 5
    with pytest.raises(ParseError) as raised:
        ip_addr.parse(json.dumps(document) + "\n")
    assert str(raised.value) == ("`ip -j addr show` JSON is not shaped as expected: "
                                 "TypeError: 'int' object is not iterable")
