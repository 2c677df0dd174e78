import pytest

from bringup.parsers import ParseError, mlnx_qos
from tests.parsers.platform_fixtures import cut, fixture


def test_doca_trust_dscp():
    qos = mlnx_qos.parse(fixture("mlnx_qos", "doca_dscp.txt"))
    assert (qos.trust, qos.dcbx, qos.cable_len) == ("dscp", "OS controlled", 7)
    assert qos.dscp2prio[3] == [31, 30, 29, 28, 27, 26, 25, 24]
    assert (qos.prio_of_dscp(26), qos.prio_of_dscp(48)) == (3, 6)
    assert qos.pfc_enabled == [0, 0, 0, 1, 0, 0, 0, 0] and qos.pfc_buffer == [0, 0, 0, 1, 0, 0, 0, 0]
    assert qos.tcs[3] == {"ratelimit": "unlimited", "tsa": "vendor", "bw": None, "priorities": [3]}


def test_ofed42_ets_crlf_trust_pcp():
    qos = mlnx_qos.parse(fixture("mlnx_qos", "ofed42_ets.txt"))
    assert (qos.trust, qos.dscp2prio, qos.pfc_enabled, qos.pfc_buffer) == ("pcp", {}, [1, 0, 1, 0, 0, 0, 1, 1], [])
    assert qos.tcs[7]["bw"] == 40 and qos.tcs[6]["tsa"] == "strict" and qos.tcs[0]["priorities"] == [1]


def test_truncated_mid_line_names_the_line():
    with pytest.raises(ParseError, match="line 16 is not `mlnx_qos` output: 'priority    0   1   2   3   4   5'"):
        mlnx_qos.parse(cut(fixture("mlnx_qos", "doca_dscp.txt")))


def test_truncated_at_line_end_raises():
    text = fixture("mlnx_qos", "doca_dscp.txt")
    with pytest.raises(ParseError, match="no PFC 'enabled' row: output truncated"):
        mlnx_qos.parse(text[: text.index("PFC configuration:")])


def test_short_pfc_row_raises():
    text = fixture("mlnx_qos", "doca_dscp.txt").replace("enabled     0   0   0   1   0   0   0   0", "enabled     0   0   0")
    with pytest.raises(ParseError, match="line 17: PFC row needs 8 values: 'enabled 0 0 0'"):
        mlnx_qos.parse(text)


def test_garbled_dscp2prio_and_tc_priority_rows_name_the_line():
    # Found by tests/parsers/test_fuzz_parsers.py: these raised a bare ValueError from int() (no line named).
    text = fixture("mlnx_qos", "doca_dscp.txt")
    with pytest.raises(ParseError) as raised:
        mlnx_qos.parse(text.replace("prio:3 dscp:31,", "prio:3 dscp:3\x001,"))
    assert str(raised.value) == ("line 7 is not a dscp2prio row (prio:N dscp:D,D,...): "
                                 "'prio:3 dscp:3\\x001,30,29,28,27,26,25,24,'")
    with pytest.raises(ParseError) as raised:
        mlnx_qos.parse(text.replace("\t priority:  3\n", "\t priority:  3²\n"))
    assert str(raised.value) == "line 26: the priorities of tc 3 are not numbers: 'priority:  3²'"
