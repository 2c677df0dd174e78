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
    # Found by tests/parsers/test_fuzz_parsers.py: `--184467213` passed the lstrip("-") test and int() raised ValueError.
    text = fixture("ethtool_stats", "mlx5.txt").replace("rx_packets: 184467213", "rx_packets: --184467213")
    with pytest.raises(ParseError) as raised:
        ethtool_stats.parse(text)
    assert str(raised.value) == "line 2 is not an `ethtool -S` counter: 'rx_packets: --184467213'"


# ---- pasted captures (issue 13)

def test_standard_stats_groups_without_indentation():
    counters = ethtool_stats.parse(fixture("ethtool_stats", "ti_rmon_groups.txt"))
    assert len(counters) == 12
    assert (counters["rx-rmon-etherStatsPkts65to127Octets"], counters["tx-rmon-etherStatsPkts256to511Octets"],
            counters["rmon-etherStatsUndersizePkts"]) == (145, 5, 0)


def test_nic_statistics_pasted_with_the_prompt():
    counters = ethtool_stats.parse(fixture("ethtool_stats", "ti_prueth_prompt.txt"))
    assert (len(counters), counters["tx_ucast"], counters["tx_mcast"], counters["rx_ucast"]) == (18, 123, 85, 15)


def test_mlx5_counters_with_indentation_lost_crlf_and_the_next_prompt():
    text = fixture("ethtool_stats", "mlx5.txt")
    pasted = "$ ethtool -S enp24s0np0\r\n" + "\r\n".join(line.lstrip() for line in text.split("\n")) + "user@gpu01:~$ "
    assert ethtool_stats.parse(pasted) == ethtool_stats.parse(text)


def test_standard_stats_cut_mid_number_raises():
    text = fixture("ethtool_stats", "ti_rmon_groups.txt")
    with pytest.raises(ParseError, match="output ends mid-line .*'rx-rmon-etherStatsPkts65to127Octets: 14'"):
        ethtool_stats.parse(text[: text.index("145") + 2])


def test_other_output_under_no_header_raises():
    with pytest.raises(ParseError, match="line 1 is not an `ethtool -S` counter: 'Time stamping parameters for eth2:'"):
        ethtool_stats.parse("Time stamping parameters for eth2:\n")
