"""Writes the healthy kubectl captures (L10 SR-IOV operator rows) of a recorded Kubernetes scenario.

Objects follow the sriov-network-operator CRDs (api/v1/sriovnetworknodestate_types.go,
sriovnetworknodepolicy_types.go, sriovnetworkpoolconfig_types.go) and core/v1 Node, printed as
``kubectl get ... -o json`` prints them (4-space indent, keys sorted, a ``List`` wrapper for lists). Names,
PFs, PCI addresses and VF counts come from the scenario's inventory, so the captures agree with it.
Run: ``python -m tests.scenarios.kubectl_captures h100_sriov``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bringup.inventory import load_inventory
from bringup.probes import kubeapi

HERE = Path(__file__).resolve().parent
API = "sriovnetwork.openshift.io/v1"
SRIOV_LABEL = "feature.node.kubernetes.io/network-sriov.capable"  # NFD's label, the policies' nodeSelector


def _dump(data: dict) -> str:
    return json.dumps(data, indent=4, sort_keys=True) + "\n"


def _list(items: list[dict]) -> str:
    return _dump({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})


def _meta(name: str, ns: str | None, uid: int, generation: int = 1) -> dict:
    meta = {"name": name, "creationTimestamp": "2025-03-04T09:12:41Z", "generation": generation,
            "resourceVersion": str(880000 + uid), "uid": f"5b0c7a4e-2f1d-4c1e-9b7a-{uid:012x}"}
    if ns:
        meta["namespace"] = ns
    return meta


def _vfs(node_index: int, rail_index: int, rail, count: int) -> list[dict]:
    bus, dev = rail.pci.split(":")[1], int(rail.pci.split(":")[2].split(".")[0], 16)
    vfs = []
    for vf in range(count):
        fn = 2 + vf  # ConnectX VFs follow the PF at function 2 onwards (0000:18:00.2 ...)
        vfs.append({"Vlan": 0, "deviceID": "101e", "driver": "mlx5_core", "mac": f"1e:6c:{node_index:02x}:"
                    f"{rail_index:02x}:00:{vf:02x}", "mtu": 9000, "name": f"{rail.netdev[:-2]}v{vf}",
                    "pciAddress": f"0000:{bus}:{dev + fn // 8:02x}.{fn % 8}", "vendor": "15b3", "vfID": vf})
    return vfs


def node_state(subject, node, node_index: int) -> dict:
    spec, status = [], []
    for index, rail in enumerate(node.rails):
        group = {"deviceType": "netdevice", "isRdma": True, "mtu": 9000, "policyName": f"sriov-{rail.name}",
                 "resourceName": subject.config.resources[rail.name], "vfRange": f"0-{rail.sriov_vfs - 1}"}
        spec.append({"linkType": "eth", "mtu": 9000, "name": rail.netdev, "numVfs": rail.sriov_vfs,
                     "pciAddress": rail.pci, "vfGroups": [group]})
        status.append({"Vfs": _vfs(node_index, index, rail, rail.sriov_vfs), "deviceID": "1021",
                       "driver": "mlx5_core", "eSwitchMode": "legacy", "linkAdminState": "up",
                       "linkSpeed": "400000 Mb/s", "linkType": "ETH",
                       "mac": f"a0:88:c2:{node_index:02x}:{index:02x}:10", "mtu": 9000, "name": rail.netdev,
                       "numVfs": rail.sriov_vfs, "pciAddress": rail.pci, "totalvfs": 16, "vendor": "15b3"})
    return {"apiVersion": API, "kind": "SriovNetworkNodeState",
            "metadata": {**_meta(node.name, subject.namespace, 100 + node_index, 4),
                         "ownerReferences": [{"apiVersion": API, "blockOwnerDeletion": True, "controller": True,
                                              "kind": "SriovOperatorConfig", "name": "default",
                                              "uid": "5b0c7a4e-2f1d-4c1e-9b7a-0000000000aa"}]},
            "spec": {"interfaces": spec},
            "status": {"interfaces": status, "rdmaMode": "exclusive", "syncStatus": "Succeeded"}}


def policy(subject, rail, index: int) -> dict:
    return {"apiVersion": API, "kind": "SriovNetworkNodePolicy",
            "metadata": _meta(f"sriov-{rail.name}", subject.namespace, 200 + index),
            "spec": {"deviceType": "netdevice", "isRdma": True, "linkType": "eth", "mtu": 9000,
                     "nicSelector": {"deviceID": "1021", "pfNames": [rail.netdev], "rootDevices": [rail.pci],
                                     "vendor": "15b3"},
                     "nodeSelector": {SRIOV_LABEL: "true"}, "numVfs": rail.sriov_vfs, "priority": 90,
                     "resourceName": subject.config.resources[rail.name]}}


def pool(subject) -> dict:
    return {"apiVersion": API, "kind": "SriovNetworkPoolConfig",
            "metadata": _meta("gpu-workers", subject.namespace, 300),
            "spec": {"maxUnavailable": 1, "rdmaMode": "exclusive",
                     "nodeSelector": {"matchLabels": {"node-role.kubernetes.io/worker": ""}}}}


def kube_node(subject, node, node_index: int) -> dict:
    resources = {f"{subject.prefix}/{subject.config.resources[r.name]}": str(r.sriov_vfs) for r in node.rails}
    base = {"cpu": "224", "ephemeral-storage": "1845320368Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
            "memory": "2113481152Ki", "nvidia.com/gpu": "8", "pods": "110"}
    allocatable = {**base, "cpu": "223500m", "ephemeral-storage": "1700663378853", "memory": "2113378752Ki",
                   **resources}
    name = subject.k8s_name(node)
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", SRIOV_LABEL: "true",
              "feature.node.kubernetes.io/pci-15b3.present": "true", "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "node-role.kubernetes.io/worker": "",
              "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}
    conditions = [
        {"lastHeartbeatTime": "2025-03-06T07:41:02Z", "lastTransitionTime": "2025-03-04T09:20:13Z",
         "message": "kubelet is posting ready status", "reason": "KubeletReady", "status": "True", "type": "Ready"},
    ]
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {**_meta(name, None, 400 + node_index), "labels": labels,
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                         "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
            "spec": {"podCIDR": f"10.244.{node_index}.0/24", "podCIDRs": [f"10.244.{node_index}.0/24"]},
            "status": {"allocatable": allocatable, "capacity": {**base, **resources}, "conditions": conditions,
                       "nodeInfo": {"architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.24",
                                    "kernelVersion": "5.15.0-105-generic", "kubeletVersion": "v1.31.4",
                                    "operatingSystem": "linux", "osImage": "Ubuntu 22.04.4 LTS"}}}


def write(scenario: str) -> None:
    base = HERE / scenario
    cluster = load_inventory(str(base / "inventory"))
    subject = kubeapi.subject(cluster)
    folder = base / "captures" / subject.name
    folder.mkdir(parents=True, exist_ok=True)
    nodes = [n for n in cluster.nodes if kubeapi.applies(n)]
    (folder / "k8s-sriov-nodestates.out").write_text(
        _list([node_state(subject, n, i + 1) for i, n in enumerate(nodes)]))
    (folder / "k8s-sriov-policies.out").write_text(
        _list([policy(subject, rail, i) for i, rail in enumerate(nodes[0].rails)]))
    (folder / "k8s-sriov-poolconfigs.out").write_text(_list([pool(subject)]))
    for i, node in enumerate(nodes):
        (folder / f"k8s-node-{node.name}.out").write_text(_dump(kube_node(subject, node, i + 1)))


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else "h100_sriov")
