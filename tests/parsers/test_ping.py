import pytest

from bringup.parsers import ParseError, ping
from bringup.parsers.ping import Ping
from tests.parsers.platform_fixtures import cut, fixture


def test_jumbo_ok():
    assert ping.parse(fixture("ping", "ok_9000.txt")) == Ping(3, 3, 0, 0.0, None)


def test_local_mtu_error():
    result = ping.parse(fixture("ping", "local_mtu_error.txt"))
    assert result == Ping(3, 0, 3, 100.0, 1500) and not result.ok


def test_frag_needed_from_router():
    assert ping.parse(fixture("ping", "frag_needed.txt")).mtu_error == 1500


def test_truncated_raises():
    with pytest.raises(ParseError, match="no 'packets transmitted' summary .* first line: 'PING 198.19.16.12"):
        ping.parse(cut(fixture("ping", "ok_9000.txt")))


def test_real_lab_ping():
    assert ping.parse(fixture("ping", "lab_veth_9000.txt")) == Ping(3, 3, 0, 0.0, None)
