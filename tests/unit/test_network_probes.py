"""The network-layer probe plans: every inventory value reaches the shell as one quoted word, keys are
key-safe, and ports without an RDMA device or planned VFs are not asked about them."""

import ipaddress
import subprocess
from types import SimpleNamespace

import pytest

from bringup.designs import get_design
from bringup.model import Fabric, Frontend, Hardware, Rail
from bringup.probes import links, qos, rdma, routing, sriov, switch_qos, underlay

PLANS = {3: links.plan, 4: underlay.plan, 5: switch_qos.plan, 7: rdma.plan, 8: qos.plan, 9: routing.plan,
         10: sriov.plan}
HOSTILE = "e$(reboot);x'"  # a name Linux accepts (no '/', ':' or whitespace) that a shell must never run


def _node(netdev=HOSTILE, rdma_device="mlx5_0", sriov_vfs=4, stack="inbox"):
    rail = Rail(name="rail0", netdev=netdev, address=ipaddress.IPv4Interface("198.19.16.11/24"),
                rdma_device=rdma_device, pci="0000:18:00.0", table=101, sriov_vfs=sriov_vfs)
    # L9 also reads NCCL/MPI settings (GPUs, host libraries) and an MPI bundle's path, a hostile one here too.
    return SimpleNamespace(name="node01", rails=(rail,), fabric=Fabric(mtu=9000),
                           rail_peers={"rail0": ("node02", "198.19.16.12")},
                           nic_stack=stack, mpi=SimpleNamespace(bundle_path=f"/opt/{HOSTILE}", mca=None),
                           hardware=Hardware(gpus=8), design=get_design("baremetal-mpi-roce"), partition=None,
                           frontend=Frontend(netdev="enp75s0f0np0"),
                           # L8's proof by traffic runs perftest against the peer over ssh (D4: the mesh)
                           expect={}, peer_rails={"rail0": rail}, fleet=("node01", "node02"))


@pytest.mark.parametrize("layer", sorted(PLANS))
def test_hostile_netdev_never_runs(layer, tmp_path):
    """Run every command of the plan under sh with stub tools: a `reboot` stub leaves a marker if the
    netdev's command substitution ever executes, and each stub records the words it was given."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for tool in ("ethtool", "ip", "grep", "cat", "mkdir", "ls", "env", "mlnx_qos", "dcb", "lldpctl", "ping", "rdma",
                 "ibv_devinfo", "sysctl", "devlink", "mlxlink", "ssh", "ib_write_bw", "reboot", "x"):
        (stubs / tool).write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {tmp_path}/args-{tool}\n'
                                  + (f"touch {tmp_path}/REBOOTED\n" if tool in ("reboot", "x") else ""))
        (stubs / tool).chmod(0o755)
    commands = [p.command for p in PLANS[layer](_node())]
    assert commands
    for command in commands:
        subprocess.run(["/bin/sh", "-c", command], env={"PATH": str(stubs)}, cwd=tmp_path, check=False,
                       capture_output=True, timeout=10)
        assert not (tmp_path / "REBOOTED").exists(), command
    words = "".join(p.read_text() for p in tmp_path.glob("args-*"))
    if layer != 7:  # L7 names the RDMA device, not the netdev; every other layer passes the netdev on intact
        assert HOSTILE in words, commands


def test_jumbo_ping_size_and_peer():
    (probe,) = underlay.plan(_node(netdev="enp24s0np0"))
    assert probe.command == "ping -M do -s 8972 -c 3 -i 0.2 -W 2 -I enp24s0np0 198.19.16.12"


def test_lab_rail_without_rdma_asks_only_generic_tools():
    node = _node(netdev="rail1", rdma_device=None, sriov_vfs=None)
    assert [p.key for p in links.plan(node)] == ["lldp", "ethtool-rail0"]
    assert [p.key for p in rdma.plan(node)] == ["ip-link"]
    assert qos.plan(node) == [] and switch_qos.plan(node) == [] and sriov.plan(node) == []


def test_doca_host_is_not_asked_for_dcb():
    assert not [p for p in qos.plan(_node(stack="doca")) if p.key.startswith("dcb-")]
    assert [p.key for p in qos.plan(_node(stack="inbox")) if p.key.startswith("dcb-")] == ["dcb-pfc-rail0",
                                                                                          "dcb-app-rail0"]


def test_sysctl_key_for_dotted_interface():
    assert routing.sysctl_key("eth0.10", "rp_filter") == "net.ipv4.conf.eth0/10.rp_filter"

