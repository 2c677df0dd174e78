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


def test_malformed_loss_percentage_is_no_summary():
    # Found by tests/parsers/test_fuzz_parsers.py: `[0-9.]+` let 1.2.3 through to float(), a bare ValueError.
    text = fixture("ping", "ok_9000.txt").replace("0% packet loss", "1.2.3% packet loss")
    with pytest.raises(ParseError) as raised:
        ping.parse(text)
    assert str(raised.value) == (
        "no 'packets transmitted' summary (truncated or not ping output); first line: "
        "'PING 198.19.16.12 (198.19.16.12) from 198.19.16.11 enp24s0np0: 8972(9000) bytes of data.'")
