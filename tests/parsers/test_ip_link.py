import pytest

from bringup.parsers import ParseError, ip_link
from tests.parsers.platform_fixtures import cut, fixture


def test_lab_veth():
    link = ip_link.parse(fixture("ip_link", "veth_lab.json"))["enp24s0np0"]
    assert (link.mtu, link.operstate, link.kind, link.up, link.vfs) == (9000, "UP", "veth", True, ())


def test_pf_with_vfs():
    link = ip_link.parse(fixture("ip_link", "cx7_sriov.json"))["enp24s0np0"]
    assert [(vf["vf"], vf["address"], vf["link_state"]) for vf in link.vfs] == [
        (0, "1e:6c:01:00:00:00", "auto"), (1, "00:00:00:00:00:00", "disable")]


def test_truncated_raises():
    with pytest.raises(ParseError, match=r"`ip -j link show` JSON broken at line 1 \(Unterminated string"):
        ip_link.parse(cut(fixture("ip_link", "veth_lab.json")))


def test_not_a_list_raises():
    with pytest.raises(ParseError, match="not an array of objects"):
        ip_link.parse('{"ifname": "lo"}')


def test_text_form_of_lab_veth():
    links = ip_link.parse(fixture("ip_link", "veth_lab_text.txt"))
    assert sorted(links) == ["enp24s0np0", "lo", "peer0"]
    veth = links["enp24s0np0"]
    assert (veth.mtu, veth.operstate, veth.kind, veth.up) == (9000, "UP", "veth", True)
    assert (links["lo"].mtu, links["lo"].operstate) == (65536, "UNKNOWN")


def test_text_form_vf_lines():
    link = ip_link.parse(fixture("ip_link", "cx7_sriov_text.txt"))["enp24s0np0"]
    assert link.vfs == ({"vf": 0, "address": "1e:6c:01:00:00:00", "link_state": "auto"},
                        {"vf": 1, "address": "00:00:00:00:00:00", "link_state": "disable"})


def test_text_form_garbled_raises():
    with pytest.raises(ParseError, match="line 1 is not `ip link show` output: 'Device \"rail9\" does not exist.'"):
        ip_link.parse('Device "rail9" does not exist.\n')


def test_json_mtu_must_be_an_integer():
    # Found by tests/parsers/test_fuzz_parsers.py: int() turned an mtu of 9000.5 into 9000 and raised on NaN.
    text = fixture("ip_link", "cx7_sriov.json")
    with pytest.raises(ParseError) as raised:
        ip_link.parse(text.replace('"mtu":9000', '"mtu":9000.5', 1))
    assert str(raised.value) == "`ip -j link` enp24s0np0 mtu is 9000.5, not an integer"
    with pytest.raises(ParseError) as raised:
        ip_link.parse(text.replace('"mtu":9000', '"mtu":NaN', 1))
    assert str(raised.value) == "NaN is not a JSON value"
