"""The bootstrap-interface matchers against the rules NCCL and Open MPI document (see bringup/checks/ifselect.py)."""

import ipaddress

import pytest

from bringup.checks import ifselect
from bringup.parsers.ip_addr import Interface


@pytest.mark.parametrize("spec, ifname, selected", [
    ("eth", "eth0", True),                      # a prefix
    ("eth,ib", "ib0", True),                    # any prefix of the list
    ("eth", "enp75s0f0np0", False),
    ("=eth0", "eth0", True),                    # exact
    ("=eth0", "eth01", False),
    ("^docker,lo", "docker0", False),           # excluded prefixes
    ("^docker,lo", "enp75s0f0np0", True),
    ("^=docker0", "docker01", True),            # excluded exact name only
    ("^=docker0", "docker0", False),
    ("enp75s0f0np0:5000", "enp75s0f0np0", True),  # NCCL's :port suffix does not change the interface
    ("enp", "enp24s0np0", True),
])
def test_nccl_socket_ifname(spec, ifname, selected):
    assert ifselect.nccl_selects(spec, ifname) is selected


ADDR = (ipaddress.IPv4Interface("198.19.0.11/24"),)


@pytest.mark.parametrize("spec, ifname, selected", [
    ("eth1", "eth1", True),
    ("eth1", "eth1.3", False),                  # names match exactly, not as prefixes
    ("enp", "enp75s0f0np0", False),
    ("198.19.0.0/24", "enp75s0f0np0", True),    # CIDR: an address inside the network
    ("198.19.0.0/16,eth9", "enp75s0f0np0", True),
    ("10.0.0.0/8", "enp75s0f0np0", False),
])
def test_ompi_if_include(spec, ifname, selected):
    assert ifselect.ompi_selects(spec, ifname, ADDR) is selected


def _iface(name, state="UP", ipv4=ADDR):
    return Interface(name, state, ipv4, ())


def test_only_up_interfaces_with_ipv4_are_selected():
    interfaces = {"lo": _iface("lo", "UNKNOWN", (ipaddress.IPv4Interface("127.0.0.1/8"),)),
                  "enp75s0f0np0": _iface("enp75s0f0np0"),
                  "enp75s0f1np1": _iface("enp75s0f1np1", "DOWN", ()),
                  "enp24s0np0": _iface("enp24s0np0", ipv4=())}
    assert ifselect.nccl_interfaces("^docker", interfaces) == ["enp75s0f0np0"]
    assert ifselect.ompi_interfaces("198.19.0.0/24,enp75s0f1np1", interfaces) == ["enp75s0f0np0"]
