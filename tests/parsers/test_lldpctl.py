import pytest

from bringup.parsers import ParseError, lldpctl
from bringup.parsers.lldpctl import Neighbour
from tests.parsers.platform_fixtures import cut, fixture


def test_one_neighbour_object_shape():
    assert lldpctl.parse(fixture("lldpctl", "one_neighbour.json")) == {
        "enp24s0np0": [Neighbour("enp24s0np0", "leaf1", "1c:34:da:5e:01:00", "swp1", "ifname", "swp1")]}


def test_array_shape_unnamed_chassis_and_two_neighbours_on_one_port():
    found = lldpctl.parse(fixture("lldpctl", "array_shape.json"))
    assert found["enp24s0np0"][0].system_name == "leaf1"
    assert [(n.system_name, n.chassis_id, n.port_id, n.port_id_type) for n in found["enp42s0np0"]] == [
        (None, "1c:34:da:5e:02:00", "1c:34:da:5e:02:01", "mac"), ("leaf3", "1c:34:da:5e:03:00", "swp7", "ifname")]


def test_json0_shape():
    assert lldpctl.parse(fixture("lldpctl", "json0.json")) == {
        "eth0": [Neighbour("eth0", "mgmt-sw1", "0c:42:a1:77:10:00", "swp10", "ifname", "node mgmt")]}


def test_no_neighbour():
    assert lldpctl.parse(fixture("lldpctl", "no_neighbour.json")) == {}


def test_truncated_raises():
    with pytest.raises(ParseError, match=r"`lldpctl -f json` JSON broken at line \d+"):
        lldpctl.parse(cut(fixture("lldpctl", "array_shape.json")))


def test_not_lldp_json_raises():
    with pytest.raises(ParseError, match="no top-level 'lldp' object"):
        lldpctl.parse('{"error": "unable to connect to lldpd"}')


def test_real_lldpd_1_0_16_from_the_lab():
    found = lldpctl.parse(fixture("lldpctl", "lab_lldpd_1_0_16.json"))
    assert found == {"rail1": [Neighbour("rail1", "leaf1", "ca:af:ec:e9:24:f0", "swp1", "ifname", "swp1")],
                     "rail2": [Neighbour("rail2", "leaf2", "ba:ea:02:2f:91:bb", "swp1", "ifname", "swp1")]}
