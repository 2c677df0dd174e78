"""Switches and cables: a Linux bridge per rail ("leaf"), one for management, veth pairs as cables.

A leaf is a lab machine of its own (namespaces as a node has) running lldpd, which announces the system
name ``leafN`` and, as port id, the port's name ``swpN``; a Linux bridge does not forward LLDP frames
(01:80:c2:00:00:0e is link-local), so each node hears exactly the leaf port it is cabled to.
The management switch carries the controller's link (``blab-ctl`` in the host namespace, 198.18.0.1) to
every node's eth0: the only thing the lab adds to the host's own namespace.
"""

from __future__ import annotations

import time

from bringup.lab import addressing, machines
from bringup.lab.errors import LabError, run

BRIDGE = "br0"
SWITCH_MTU = 9216  # a switch port carries the host's 9000 plus headroom, as on a real leaf (layers.md §1.1)
# Announce every second with TTL ~4 s (tx-hold 3): after a recabling the node forgets the old neighbour within
# seconds instead of 120 s, so a swapped (or healed) cable shows up in lldpctl almost at once.
LEAF_LLDP_INTERVAL_S = 1
LEAF_LLDP_HOLD = 3
LLDP_SETTLE_S = LEAF_LLDP_INTERVAL_S * LEAF_LLDP_HOLD + 2  # wait this long after recabling before trusting lldpctl

_LLDPD_CONF = """\
# Written by bringup lab: this leaf announces its name and its ports by name (swp1, swp2, ...).
configure system hostname {name}
configure system interface pattern swp*
configure lldp portidsubtype ifname
configure lldp tx-interval {interval}
configure lldp tx-hold {hold}
"""


def prepare_leaf_files(name: str) -> None:
    conf = machines.upper(name, "/etc/lldpd.d/bringup-leaf.conf")
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(_LLDPD_CONF.format(name=name, interval=LEAF_LLDP_INTERVAL_S, hold=LEAF_LLDP_HOLD))
    machines.upper(name, "/etc/hostname").write_text(name + "\n")


def make_bridge(name: str) -> None:
    ns = addressing.netns(name)
    run(["ip", "-n", ns, "link", "add", BRIDGE, "mtu", str(SWITCH_MTU), "type", "bridge", "stp_state", "0"],
        what=f"{name}: bridge")
    run(["ip", "-n", ns, "link", "set", BRIDGE, "up"], what=f"{name}: bridge up")


def cable(node: str, node_if: str, switch: str, port: str, *, port_mtu: int = SWITCH_MTU) -> None:
    """A veth pair from node's ``node_if`` to switch's ``port``, the port enslaved to the bridge and up.

    Both ends are created directly in their namespaces, so no name ever appears in the host's."""
    node_ns, sw_ns = addressing.netns(node), addressing.netns(switch)
    run(["ip", "link", "add", node_if, "netns", node_ns, "type", "veth", "peer", "name", port, "netns", sw_ns],
        what=f"cable {node}:{node_if} - {switch}:{port}")
    attach_port(switch, port, port_mtu)


def attach_port(switch: str, port: str, mtu: int = SWITCH_MTU) -> None:
    run(["ip", "-n", addressing.netns(switch), "link", "set", port, "mtu", str(mtu), "master", BRIDGE, "up"],
        what=f"{switch}: port {port}")


def host_uplink() -> None:
    """The controller's end of the management network (the host namespace's only lab interface)."""
    sw_ns = addressing.netns(addressing.MGMT_SWITCH)
    run(["ip", "link", "add", addressing.HOST_VETH, "type", "veth", "peer", "name", "ctl", "netns", sw_ns],
        what="management uplink")
    attach_port(addressing.MGMT_SWITCH, "ctl")
    run(["ip", "addr", "add", str(addressing.HOST_MGMT), "dev", addressing.HOST_VETH], what="management uplink")
    run(["ip", "link", "set", addressing.HOST_VETH, "up"], what="management uplink")


def remove_host_uplink() -> bool:
    """Deleting our veth end removes the pair; the host's own interfaces are never named here."""
    if run(["ip", "link", "show", addressing.HOST_VETH], check=False).returncode != 0:
        return False
    run(["ip", "link", "del", addressing.HOST_VETH], what="management uplink", check=False)
    return True


def start_lldpd(name: str, pid: int) -> None:
    """lldpd on a leaf, in the foreground under the machine's init; its log in the machine's /var/log."""
    machines.exec_in(pid, name, ["sh", "-c", "setsid lldpd -d -I 'swp*' </dev/null >>/var/log/lldpd.log 2>&1 &"])
    log = machines.upper(name, "/var/log/lldpd.log")
    deadline = time.time() + 10
    while time.time() < deadline:
        if machines.exec_in(pid, name, ["lldpcli", "show", "configuration"], check=False).returncode == 0:
            return
        time.sleep(0.1)
    raise LabError(f"{name}: lldpd did not start within 10 s (log {log})")


def lldp_update(name: str, pid: int) -> None:
    """Send LLDPDUs now (after a recabling), instead of at the next interval."""
    machines.exec_in(pid, name, ["lldpcli", "update"], check=False)
