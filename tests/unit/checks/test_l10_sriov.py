"""The L10 judges on real captures (the recorded H100 SR-IOV nodes' sysfs, ip -j link, devlink and the kubectl
JSON of the SR-IOV Network Operator's objects): each passes on the healthy capture and fails, for the right
reason, on the capture changed as the scenario's faults change it."""

from __future__ import annotations

from pathlib import Path

from bringup.checks import l10_sriov as judge
from bringup.expect import Expected
from bringup.parsers import (devlink_eswitch, grep_h, ip_link, kubectl_node, kubectl_nodestates, kubectl_policies,
                             kubectl_poolconfigs, ls_links)
from tests.unit.checks.captures import read

SRIOV = Path(__file__).resolve().parents[2] / "scenarios" / "h100_sriov" / "captures"
RAIL0 = "enp24s0np0"  # node01 rail0, PF 0000:18:00.0, 8 VFs planned
PLANNED = Expected(8, "inventory bringup_rails[].sriov_vfs")


def capture(where: str, name: str, replace: tuple[str, str] | None = None) -> str:
    return read(SRIOV / where / name, *filter(None, [replace]))


def files(replace=None):
    return grep_h.under(grep_h.parse(capture("node01", "sriov-rail0.out", replace)), f"/sys/class/net/{RAIL0}/device")


def test_vf_count():
    good = judge.vf_count("node01", RAIL0, files(), PLANNED)
    assert (good.outcome, good.measured, good.reference) == ("pass", 8, 8)
    below = judge.vf_count("node01", RAIL0, files(("sriov_numvfs:8", "sriov_numvfs:4")), PLANNED)
    assert below.message == "enp24s0np0 sriov_numvfs: 4 != 8 (inventory bringup_rails[].sriov_vfs)"
    over = judge.vf_count("node01", RAIL0, files(("sriov_totalvfs:16", "sriov_totalvfs:4")), PLANNED)
    assert over.message == "enp24s0np0 sriov_numvfs 8 > sriov_totalvfs 4"
    none = judge.vf_count("node01", RAIL0, {"sriov_totalvfs": "16"}, PLANNED)
    assert none.message == "enp24s0np0 on node01 has no sriov_numvfs (SR-IOV disabled in firmware or BIOS?)"


def test_vfs_configured_on_pf():
    links = ip_link.parse(capture("node01", "pf-link-rail0.out"))
    good = judge.vfs_configured("node01", RAIL0, 8, links)
    assert (good.outcome, good.measured) == ("pass", "8 VF lines")
    assert judge.vfs_configured("node01", RAIL0, 10, links).message == "enp24s0np0 lists 8 VFs, sriov_numvfs is 10"
    disabled = ip_link.parse(capture("node01", "pf-link-rail0.out",
                                     ('"address":"1e:6c:01:00:00:02","broadcast":"ff:ff:ff:ff:ff:ff","spoofchk":false,'
                                      '"link_state":"auto"',
                                      '"address":"00:00:00:00:00:00","broadcast":"ff:ff:ff:ff:ff:ff","spoofchk":false,'
                                      '"link_state":"disable"')))
    bad = judge.vfs_configured("node01", RAIL0, 8, disabled)
    assert bad.message == "enp24s0np0 VFs without MAC [2], link-state disable [2]"
    other = judge.vfs_configured("node01", "enp42s0np0", 8, links)
    assert other.message == "`ip link show dev enp42s0np0` on node01 printed another interface"


def test_eswitch_mode():
    wanted = Expected("legacy", "bringup/policy.yml eswitch_mode")
    good = judge.eswitch_mode(RAIL0, devlink_eswitch.parse(capture("node01", "eswitch-rail0.out")), wanted)
    assert (good.outcome, good.measured) == ("pass", ["legacy"])
    switchdev = devlink_eswitch.parse(capture("node01", "eswitch-rail0.out", ('"mode":"legacy"', '"mode":"switchdev"')))
    assert judge.eswitch_mode(RAIL0, switchdev, wanted).message == (
        "enp24s0np0 eswitch mode: ['switchdev'] != ['legacy'] (bringup/policy.yml eswitch_mode)")


def test_every_vf_has_rdma_device():
    vfs = judge.vf_functions(ls_links.parse(capture("node01", "virtfn-rail0.out")))
    assert vfs["virtfn2"] == "0000:18:00.4" and len(vfs) == 8
    good = judge.every_vf_has_rdma_device("node01", RAIL0, vfs, ls_links.parse(capture("node01", "ib-devices.out")))
    assert (good.outcome, good.measured) == ("pass", "8 of 8 VFs with an RDMA device")
    line = ("lrwxrwxrwx 1 root root 0 Mar  4 10:12 mlx5_12 -> ../../devices/pci0000:15/0000:15:01.0/0000:16:00.0/"
            "0000:17:00.0/0000:18:00.4/infiniband/mlx5_12\n")
    unbound = ls_links.parse(capture("node01", "ib-devices.out", (line, "")))
    bad = judge.every_vf_has_rdma_device("node01", RAIL0, vfs, unbound)
    assert (bad.measured, bad.message) == ("7 of 8 VFs with an RDMA device", "enp24s0np0 on node01: VF(s) without "
                                           "an RDMA device (mlx5_ib not bound?): virtfn2 (0000:18:00.4)")


KUBE = "kubectl@controller"


def state(replace=None):
    return kubectl_nodestates.parse(capture(KUBE, "k8s-sriov-nodestates.out", replace))["node01"]


def test_operator_synced():
    want = Expected("Succeeded", "bringup/policy.yml sriov_sync_status")
    good = judge.operator_synced(state(), want)
    assert (good.outcome, good.measured) == ("pass", "Succeeded")
    bad = judge.operator_synced(state(('"syncStatus": "Succeeded"', '"syncStatus": "InProgress"')), want)
    assert bad.message == ("SriovNetworkNodeState node01: syncStatus InProgress != Succeeded "
                           "(bringup/policy.yml sriov_sync_status)")
    error = state(('"syncStatus": "Succeeded"', '"lastSyncError": "numerical result out of range", '
                                                '"syncStatus": "Succeeded"'))
    assert judge.operator_synced(error, want).message.endswith("; lastSyncError: numerical result out of range")


POLICY = Expected({"deviceType": "netdevice", "isRdma": True, "linkType": "eth"}, "bringup/policy.yml sriov_policy")


def applied(rail: str, netdev: str, pci: str, replace=None):
    labels = kubectl_node.parse(capture(KUBE, "k8s-node-node01.out")).labels
    policies = kubectl_policies.parse(capture(KUBE, "k8s-sriov-policies.out", replace))
    return kubectl_policies.effective(policies, labels, netdev, pci, "15b3", "1021")


def test_policy_matches():
    chosen, selecting = applied("rail3", "enp93s0np0", "0000:5d:00.0")
    good = judge.policy_matches("node01", "rail3", "enp93s0np0", "0000:5d:00.0", "nvidia-network-operator", chosen,
                                selecting, POLICY, 8)
    assert (good.outcome, good.measured) == ("pass", {"deviceType": "netdevice", "isRdma": True, "linkType": "eth",
                                                      "numVfs": 8})
    fewer = judge.policy_matches("node01", "rail3", "enp93s0np0", "0000:5d:00.0", "nvidia-network-operator", chosen,
                                 selecting, POLICY, 16)
    assert fewer.message == (f"policy {chosen.name} for node01 rail3 (enp93s0np0): numVfs 8 != 16 "
                             "(bringup/policy.yml sriov_policy; numVfs: inventory bringup_rails[].sriov_vfs)")
    none = judge.policy_matches("node01", "rail3", "enp9s0", None, "nvidia-network-operator", None, [], POLICY, 8)
    assert none.message == ("no SriovNetworkNodePolicy in nvidia-network-operator selects node01 rail3 (enp9s0, no "
                            "PCI address declared) by nodeSelector and nicSelector")


def test_vfs_allocatable():
    node = kubectl_node.parse(capture(KUBE, "k8s-node-node01.out"))
    planned = Expected(8, "inventory bringup_rails[].sriov_vfs of the rails in sriov_rail5")
    resource = "nvidia.com/sriov_rail5"
    good = judge.vfs_allocatable("node01", "rail5", "node01", resource, "inventory", node.count(resource), planned)
    assert (good.outcome, good.measured) == ("pass", 8)
    short = kubectl_node.parse(capture(KUBE, "k8s-node-node01.out", ('"nvidia.com/sriov_rail5": "8"',
                                                                    '"nvidia.com/sriov_rail5": "6"')))
    bad = judge.vfs_allocatable("node01", "rail5", "node01", resource, "inventory", short.count(resource), planned)
    assert bad.message == ("node01 allocatable nvidia.com/sriov_rail5: 6 != 8 (inventory bringup_rails[].sriov_vfs "
                           "of the rails in sriov_rail5)")
    absent = judge.vfs_allocatable("node01", "rail5", "node01", "openshift.io/sriov_rail5", "inventory",
                                   node.count("openshift.io/sriov_rail5"), planned)
    assert absent.message.startswith("node node01 advertises no openshift.io/sriov_rail5 in status.allocatable")
    unnamed = judge.vfs_allocatable("node01", "rail5", "node01", None, "no SriovNetworkNodePolicy selects it", None,
                                    None)
    assert unnamed.message == "node01 rail5: no SR-IOV resource name: no SriovNetworkNodePolicy selects it"


def test_rdma_mode():
    labels = kubectl_node.parse(capture(KUBE, "k8s-node-node01.out")).labels
    declared = Expected("exclusive", "inventory bringup_kubernetes.rdma_mode")

    def pools(replace=None):
        return [p for p in kubectl_poolconfigs.parse(capture(KUBE, "k8s-sriov-poolconfigs.out", replace))
                if p.selects(labels)]

    good = judge.rdma_mode("node01", "nvidia-network-operator", pools(), declared)
    assert (good.outcome, good.measured) == ("pass", "exclusive")
    shared = judge.rdma_mode("node01", "nvidia-network-operator",
                             pools(('"rdmaMode": "exclusive"', '"rdmaMode": "shared"')), declared)
    assert shared.message.endswith("rdmaMode for node01: shared != exclusive (inventory bringup_kubernetes.rdma_mode)")
    assert judge.rdma_mode("node01", "nvidia-network-operator", [], declared).message == (
        "no SriovNetworkPoolConfig in nvidia-network-operator selects node01, so its RDMA subsystem mode is not "
        "managed (declared: exclusive)")
    twice = judge.rdma_mode("node01", "nvidia-network-operator", pools() * 2, declared)
    assert twice.failed and "is selected by several SriovNetworkPoolConfigs" in twice.message
