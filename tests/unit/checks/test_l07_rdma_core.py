"""The L7 judges on real captures (the recorded H100 nodes' rdma link, ibv_devinfo, GID sysfs, configfs
rdma_cm, ip link, rdma system, ofed_info and /proc/modules output, and the parser fixtures' modinfo and old
iproute2 `rdma system` captures): each passes on the healthy capture and fails, for the right reason, on the
capture changed as the matching fault overlay in tests/scenarios/h100/faults changes it."""

from __future__ import annotations

from pathlib import Path

from bringup.checks import l07_rdma_core as judge
from bringup.checks import fleet_identical
from bringup.expect import Expected
from bringup.parsers import (gid_sysfs, ibv_devinfo, ip_link, modinfo, ofed_info, proc_modules, rdma_cm, rdma_link,
                             rdma_system)
from bringup.probe.batch import CommandResult
from bringup.probe.prober import ProbeSet
from bringup.probes import rdma
from tests.unit.checks.captures import policy, read

CAPTURES = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def capture(name: str, *replace: tuple[str, str]) -> str:
    return read(CAPTURES / name, *replace)


def test_rdma_link_active():
    links = rdma_link.parse(capture("common/rdma-link.out"))
    good = judge.rdma_link_active("node01", "mlx5_5", "enp171s0np0", links)
    assert (good.outcome, good.measured) == ("pass", "ACTIVE LINK_UP enp171s0np0")
    swapped = rdma_link.parse(capture("common/rdma-link.out", ('"ifname":"mlx5_5","port":1,"state":"ACTIVE",'
                                                               '"physical_state":"LINK_UP","netdev":"enp171s0np0"',
                                                               '"ifname":"mlx5_5","port":1,"state":"ACTIVE",'
                                                               '"physical_state":"LINK_UP","netdev":"enp186s0np0"')))
    assert judge.rdma_link_active("node01", "mlx5_5", "enp171s0np0", swapped).message == \
        "mlx5_5 is bound to netdev enp186s0np0, plan says enp171s0np0"
    down = rdma_link.parse(capture("common/rdma-link.out", ('"ifname":"mlx5_0","port":1,"state":"ACTIVE",'
                                                            '"physical_state":"LINK_UP"',
                                                            '"ifname":"mlx5_0","port":1,"state":"DOWN",'
                                                            '"physical_state":"DISABLED"')))
    assert judge.rdma_link_active("node01", "mlx5_0", "enp24s0np0", down).message == \
        "mlx5_0/1 state DOWN physical_state DISABLED"
    assert judge.rdma_link_active("node01", "mlx5_9", "enp24s0np0", links).message == \
        "no RDMA link mlx5_9 on node01 (`rdma link show` lists none)"


def test_port_active_ethernet():
    mtu = policy("roce_mtu", 4096)
    devices = ibv_devinfo.parse(capture("node01/ibv_devinfo-rail0.out"))
    good = judge.port_active_ethernet("node01", "mlx5_0", devices, mtu)
    assert (good.outcome, good.measured, good.reference) == ("pass", 4096, 4096)
    small = ibv_devinfo.parse(capture("node01/ibv_devinfo-rail0.out", ("active_mtu:\t\t4096 (5)",
                                                                        "active_mtu:\t\t1024 (3)")))
    assert judge.port_active_ethernet("node01", "mlx5_0", small, mtu).message == \
        "mlx5_0 active_mtu: 1024 != 4096 (policy roce_mtu in bringup/policy.yml)"
    down = ibv_devinfo.parse(capture("node01/ibv_devinfo-rail0.out", ("PORT_ACTIVE (4)", "PORT_DOWN (1)")))
    assert judge.port_active_ethernet("node01", "mlx5_0", down, mtu).message == "mlx5_0 port 1 state PORT_DOWN (1)"
    ib = ibv_devinfo.parse(capture("node01/ibv_devinfo-rail0.out", ("link_layer:\t\tEthernet",
                                                                     "link_layer:\t\tInfiniBand")))
    assert judge.port_active_ethernet("node01", "mlx5_0", ib, mtu).message == \
        "mlx5_0 link_layer InfiniBand, not Ethernet (RoCE)"
    assert judge.port_active_ethernet("node01", "mlx5_3", devices, mtu).message == \
        "`ibv_devinfo -d mlx5_3` on node01 printed no such hca_id"


def test_roce_v2_gid():
    gids = gid_sysfs.parse(capture("node01/gids-rail0.out"))
    good = judge.roce_v2_gid("node01", "mlx5_0", gids, "198.19.16.11")
    assert good.outcome == "pass" and "3:198.19.16.11" in good.measured
    assert judge.roce_v2_gid("node01", "mlx5_0", gids, "198.19.16.99").message.startswith(
        "mlx5_0: no RoCE v2 GID for the rail address 198.19.16.99 (v2 GIDs: ")
    v1 = gid_sysfs.parse(capture("node01/gids-rail0.out", ("gid_attrs/types/1:RoCE v2", "gid_attrs/types/1:IB/RoCE v1"),
                                 ("gid_attrs/types/3:RoCE v2", "gid_attrs/types/3:IB/RoCE v1")))
    assert judge.roce_v2_gid("node01", "mlx5_0", v1, "198.19.16.11").message == \
        "mlx5_0 on node01 has no RoCE v2 GID (types: ['IB/RoCE v1'])"


def test_rdma_cm_mode():
    mode = policy("roce_mode", "RoCE v2")
    ports = rdma_cm.parse(capture("common/roce_mode-rail0.out"))
    assert judge.rdma_cm_mode("mlx5_0", ports, mode).outcome == "pass"
    v1 = rdma_cm.parse(capture("common/roce_mode-rail0.out", ("default_roce_mode:RoCE v2",
                                                              "default_roce_mode:IB/RoCE v1")))
    assert judge.rdma_cm_mode("mlx5_0", v1, mode).message == \
        "mlx5_0 default_roce_mode: IB/RoCE v1 != RoCE v2 (policy roce_mode in bringup/policy.yml)"
    assert judge.rdma_cm_mode("mlx5_9", ports, mode).message == "configfs rdma_cm shows no port 1 for mlx5_9"


def test_host_mtu():
    assert judge.planned_mtu(9100, 9000) == Expected(9100, "inventory bringup_rails[].mtu")
    assert judge.planned_mtu(None, None) is None
    planned = judge.planned_mtu(None, 9000)
    links = ip_link.parse(capture("node01/ip-link.out"))
    good = judge.host_mtu("node01", "enp171s0np0", links, planned)
    assert (good.outcome, good.measured, good.reference) == ("pass", 9000, 9000)
    jumbo_plus = ip_link.parse(capture("node01/ip-link.out", ('"ifname":"enp171s0np0","flags":["BROADCAST",'
                                                              '"MULTICAST","UP","LOWER_UP"],"mtu":9000',
                                                              '"ifname":"enp171s0np0","flags":["BROADCAST",'
                                                              '"MULTICAST","UP","LOWER_UP"],"mtu":9100')))
    assert judge.host_mtu("node01", "enp171s0np0", jumbo_plus, planned).message == \
        "enp171s0np0 MTU: 9100 != 9000 (inventory bringup_fabric.mtu)"
    assert judge.host_mtu("node01", "eth9", links, planned).message.startswith(
        "node01 has no interface eth9 (`ip link` lists ['")
    fleet = {"node01": 9100, "node02": 9000, "node03": 9000}
    assert judge.host_mtu("node02", "enp171s0np0", links, None, fleet).outcome == "pass"
    assert judge.host_mtu("node01", "enp171s0np0", jumbo_plus, None, fleet).message.endswith(
        "nodes that differ: node01")


def test_design_netns_and_the_fleet():
    table = policy("rdma_netns", {"k8s-sriov-roce": "exclusive", "baremetal-mpi-roce": "shared"})
    assert judge.design_netns(table, "k8s-sriov-roce") == \
        Expected("exclusive", "policy rdma_netns in bringup/policy.yml for k8s-sriov-roce")
    assert judge.design_netns(table, "baremetal-dra-roce") is None  # left out: the fleet rules
    declared = Expected("shared", "inventory bringup_expect.rdma_netns")
    assert judge.design_netns(declared, "k8s-sriov-roce") is declared
    shared = rdma_system.parse(capture("common/rdma-system.out")).netns
    exclusive = rdma_system.parse((FIXTURES / "rdma_system" / "exclusive_old.txt").read_text()).netns
    assert (shared, exclusive) == ("shared", "exclusive")
    modes = {"node01": shared, "node02": exclusive}
    wanted = judge.design_netns(table, "baremetal-mpi-roce")
    assert fleet_identical("RDMA netns mode", "node01", modes, wanted).outcome == "pass"
    assert fleet_identical("RDMA netns mode", "node02", modes, wanted).message == (
        "RDMA netns mode: node02 has 'exclusive', expected 'shared' (policy rdma_netns in bringup/policy.yml for "
        "baremetal-mpi-roce); nodes that differ: node02")


def test_stack_release():
    assert judge.stack_release(ofed_info.parse(capture("common/rdma-stack.out"))) == "OFED-internal-24.10-1.1.4"
    assert judge.stack_release(ofed_info.parse((FIXTURES / "ofed_info" / "mlnx_ofed.txt").read_text())) == \
        "MLNX_OFED_LINUX-23.10-1.1.9.0"
    info = modinfo.parse((FIXTURES / "modinfo" / "mlx5_core_doca.txt").read_text())
    assert judge.stack_release(info) == "inbox mlx5_core 24.10-1.1.4"
    del info["version"]  # an in-tree mlx5_core carries no version: its build is its srcversion
    assert judge.stack_release(info) == "inbox mlx5_core 6D1A3C8E2B9F4A7D0E5C1B3"


def test_stack_is_read_by_the_command_the_node_was_asked():
    doca = ProbeSet("node01", 7, {"rdma-stack": CommandResult("ofed_info -s", 0, capture("common/rdma-stack.out"), "")})
    assert judge.stack_release(rdma.stack(doca)) == "OFED-internal-24.10-1.1.4"
    text = (FIXTURES / "modinfo" / "mlx5_core_doca.txt").read_text()
    inbox = ProbeSet("node01", 7, {"rdma-stack": CommandResult("modinfo mlx5_core", 0, text, "")})
    assert judge.stack_release(rdma.stack(inbox)) == "inbox mlx5_core 24.10-1.1.4"


def test_modules_loaded():
    wanted = policy("rdma_modules", ["mlx5_ib", "ib_uverbs", "rdma_ucm"])
    loaded = proc_modules.parse(capture("common/rdma-modules.out"))
    good = judge.modules_loaded("node02", loaded, wanted)
    assert (good.outcome, good.reference) == ("pass", ["mlx5_ib", "ib_uverbs", "rdma_ucm"])
    gone = proc_modules.parse(capture("common/rdma-modules.out", ("rdma_ucm 32768 0 - Live 0x0000000000000000 (OE)\n",
                                                                  "")))
    assert judge.modules_loaded("node02", gone, wanted).message == \
        "node02: RDMA modules not loaded: rdma_ucm (policy rdma_modules in bringup/policy.yml)"
    going = proc_modules.parse(capture("common/rdma-modules.out", ("mlx5_ib 491520 0 - Live",
                                                                   "mlx5_ib 491520 0 - Unloading")))
    assert judge.modules_loaded("node02", going, wanted).message.startswith("node02: RDMA modules not loaded: mlx5_ib")
    none = rdma.RDMA_MODULES.parser("")  # grep's rc 1: none of the modules is loaded
    assert judge.modules_loaded("node02", none, wanted).message == \
        "node02: RDMA modules not loaded: mlx5_ib, ib_uverbs, rdma_ucm (policy rdma_modules in bringup/policy.yml)"
