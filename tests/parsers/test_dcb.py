import pytest

from bringup.parsers import ParseError, dcb
from tests.parsers.platform_fixtures import fixture


def test_prio_pfc():
    assert dcb.parse(fixture("dcb", "pfc_prio3.txt")).pfc_enabled == [0, 0, 0, 1, 0, 0, 0, 0]


def test_full_pfc_show():
    assert dcb.parse(fixture("dcb", "pfc_full.txt")).pfc == {p: p == 3 for p in range(8)}


def test_dscp_map_means_dscp_trust():
    app = dcb.parse(fixture("dcb", "app_dscp.txt"))
    assert (app.trust, app.prio_of_dscp(26), app.prio_of_dscp(48), app.prio_of_dscp(0)) == ("dscp", 3, 6, None)


def test_empty_dscp_map_means_pcp_trust():
    assert dcb.parse(fixture("dcb", "app_empty.txt")).trust == "pcp"


def test_symbolic_dscp_names_raise():
    with pytest.raises(ParseError, match=r"line 1: 'AF31:3' is not a KEY:VALUE pair \(numeric keys; use `dcb -N`\)"):
        dcb.parse("dscp-prio AF31:3\n")


def test_truncated_mid_word_raises():
    with pytest.raises(ParseError, match="line 1: PFC state 'of' is not on/off"):
        dcb.parse("prio-pfc 0:off 1:off 2:of")


def test_truncated_at_word_raises():
    with pytest.raises(ParseError, match="prio-pfc lists 3 priorities, not 8: output truncated"):
        dcb.parse("prio-pfc 0:off 1:off 2:off")


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 1 is not `dcb pfc|app show` output: 'Error: No such device'"):
        dcb.parse("Error: No such device\n")
