import pytest

from bringup.parsers import ParseError, ethtool_stats
from tests.parsers.platform_fixtures import fixture


def test_mlx5_counters():
    counters = ethtool_stats.parse(fixture("ethtool_stats", "mlx5.txt"))
    assert counters["rx_prio3_pause"] == 318
    assert counters["rx_pcs_symbol_err_phy"] == 0
    assert counters["rx_prio3_bytes"] == 1507842601562
    assert len(counters) == 25


def test_veth_queue_counters():
    counters = ethtool_stats.parse(fixture("ethtool_stats", "veth.txt"))
    assert counters == {"peer_ifindex": 2, **{k: 0 for k in counters if k != "peer_ifindex"}} and len(counters) == 10


def test_garbled_line_raises():
    with pytest.raises(ParseError, match="line 3 is not an `ethtool -S` counter: 'rx_bytes: lots'"):
        ethtool_stats.parse("NIC statistics:\n     rx_packets: 1\n     rx_bytes: lots\n")


def test_missing_header_raises():
    with pytest.raises(ParseError, match="line 1 is not an `ethtool -S` counter"):
        ethtool_stats.parse("no stats available\n")


def test_double_sign_counter_names_the_line():
    # Found by tests/test_fuzz_parsers.py: `--184467213` passed the lstrip("-") test and int() raised ValueError.
    text = fixture("ethtool_stats", "mlx5.txt").replace("rx_packets: 184467213", "rx_packets: --184467213")
    with pytest.raises(ParseError) as raised:
        ethtool_stats.parse(text)
    assert str(raised.value) == "line 2 is not an `ethtool -S` counter: 'rx_packets: --184467213'"
