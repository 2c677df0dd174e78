"""Names and addresses of everything the lab makes. Pure functions, so tests and the inventory agree.

Only 198.18.0.0/15 (RFC 2544, reserved for benchmarking) is used, so a lab address can never collide with a
real network: management is 198.18.0.0/24 (the host's end is .1, node i is .10+i), rail r is
198.18.r.0/24 (node i is .10+i again, so node03 is .13 on every network).
"""

from __future__ import annotations

import ipaddress

LAB_RANGE = ipaddress.IPv4Network("198.18.0.0/15")
MGMT_NET = ipaddress.IPv4Network("198.18.0.0/24")
HOST_MGMT = ipaddress.IPv4Interface("198.18.0.1/24")
NETNS_PREFIX = "bringup-"
HOST_VETH = "blab-ctl"  # the controller's end of the management network, in the host namespace
MGMT_SWITCH = "mgmt"
NODE_MGMT_IF = "eth0"
MAX_NODES = 200  # .10+i must stay below .255
MAX_RAILS = 8
MTU = 9000  # the lab's fabric contract: host netdev MTU 9000 (layers.md §1.1)


def node_name(index: int) -> str:
    """1-based: node01, node02, ..."""
    return f"node{index:02d}"


def leaf_name(rail: int) -> str:
    return f"leaf{rail}"


def rail_name(rail: int) -> str:
    return f"rail{rail}"


def rail_netdev(rail: int) -> str:
    return f"rail{rail}"


def switch_port(node_index: int) -> str:
    """The leaf port a node's rail is cabled to: node i on swp i of every leaf (Cumulus-style names)."""
    return f"swp{node_index}"


def mgmt_port(node_index: int) -> str:
    return f"mgmt{node_index}"


def netns(machine: str) -> str:
    return NETNS_PREFIX + machine


def node_mgmt_address(node_index: int) -> ipaddress.IPv4Interface:
    return ipaddress.IPv4Interface(f"{MGMT_NET.network_address + 10 + node_index}/{MGMT_NET.prefixlen}")


def rail_network(rail: int) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"198.18.{rail}.0/24")


def node_rail_address(node_index: int, rail: int) -> ipaddress.IPv4Interface:
    net = rail_network(rail)
    return ipaddress.IPv4Interface(f"{net.network_address + 10 + node_index}/{net.prefixlen}")


def rail_table(rail: int) -> int:
    """The routing table of a rail's source-policy route (applied by the playbooks)."""
    return 100 + rail


def check_size(nodes: int, rails: int) -> None:
    if not 1 <= nodes <= MAX_NODES:
        raise ValueError(f"--nodes {nodes}: the lab holds 1 to {MAX_NODES} nodes")
    if not 1 <= rails <= MAX_RAILS:
        raise ValueError(f"--rails {rails}: the lab holds 1 to {MAX_RAILS} rails")
    for address in (node_mgmt_address(nodes), node_rail_address(nodes, rails)):
        assert address.ip in LAB_RANGE, address  # the invariant everything else relies on
