import pytest

from bringup.parsers import ParseError, ibv_devinfo
from tests.parsers.platform_fixtures import cut, fixture


def test_cx7_verbose():
    dev = ibv_devinfo.parse(fixture("ibv_devinfo", "cx7_verbose.txt"))["mlx5_0"]
    port = dev.ports[1]
    assert (dev.fields["fw_ver"], dev.fields["vendor_part_id"]) == ("28.39.1002", "4129")
    assert (port.state, port.active_mtu, port.link_layer) == ("PORT_ACTIVE", 4096, "Ethernet")
    assert port.gids[3] == ("::ffff:198.19.16.11", "RoCE v2")
    assert port.gids[0] == ("fe80:0000:0000:0000:a288:c2ff:fe01:0010", "RoCE v1")


def test_two_devices_old_format():
    devs = ibv_devinfo.parse(fixture("ibv_devinfo", "two_devices_old.txt"))
    assert sorted(devs) == ["mlx5_2", "mlx5_3"]
    down = devs["mlx5_2"].ports[1]
    assert (down.state, down.active_mtu, down.gids[0][1]) == ("PORT_DOWN", 1024, None)


def test_truncated_port_raises():
    text = fixture("ibv_devinfo", "cx7_verbose.txt")
    with pytest.raises(ParseError, match="mlx5_0 port 1: no active_mtu, link_layer .output truncated."):
        ibv_devinfo.parse(text[: text.index("active_mtu")])


def test_truncated_before_port_raises():
    with pytest.raises(ParseError, match=r"mlx5_0: no 'port:' section \(output truncated\)"):
        ibv_devinfo.parse(cut(fixture("ibv_devinfo", "cx7_verbose.txt"), 0.2))


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 1 comes before any 'hca_id:' line: 'Failed to get IB_DEVICE_LIST: x'"):
        ibv_devinfo.parse("Failed to get IB_DEVICE_LIST: x\n")
