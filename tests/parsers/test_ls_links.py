import pytest

from bringup.parsers import ParseError, ls_links
from tests.parsers.platform_fixtures import fixture


def test_real_class_listing():
    links = ls_links.parse(fixture("ls_links", "sys_class_net_container.txt"))
    assert links["eth0"] == "../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0"
    assert sorted(links) == ["eth0", "ifb0", "ifb1", "lo"]


def test_virtfn_links_name_each_vf_function():
    links = ls_links.parse(fixture("ls_links", "virtfn_cx7_8vfs.txt"))
    assert len(links) == 8
    assert ls_links.pci_function(links["/sys/class/net/enp24s0np0/device/virtfn7"]) == "0000:18:01.1"


def test_rdma_device_function_is_above_infiniband():
    links = ls_links.parse(fixture("ls_links", "sys_class_infiniband_cx7.txt"))
    assert ls_links.pci_function(links["mlx5_10"], below="infiniband") == "0000:18:00.2"
    assert ls_links.pci_function("../../devices/virtual/net/lo", below="infiniband") is None


def test_non_links_are_left_out():
    text = "total 4\n-r--r--r-- 1 root root 4096 Mar  4 10:12 sriov_numvfs\n"
    assert ls_links.parse(text) == {}


def test_not_ls_output_raises():
    with pytest.raises(ParseError, match="line 1"):
        ls_links.parse("ls: cannot access '/sys/class/net/x/device/virtfn*': No such file or directory\n")
