"""``kubectl get sriovnetworknodestates -n <ns> -o json``: the SR-IOV operator's per-node sync state.

One SriovNetworkNodeState per node, named after the node (sriov-network-operator
``api/v1/sriovnetworknodestate_types.go``); the config daemon writes ``status``. Abridged example::

    {"apiVersion": "v1", "kind": "List", "items": [{
        "apiVersion": "sriovnetwork.openshift.io/v1", "kind": "SriovNetworkNodeState",
        "metadata": {"name": "node01", "namespace": "nvidia-network-operator"},
        "spec": {"interfaces": [{"name": "enp24s0np0", "pciAddress": "0000:18:00.0", "numVfs": 8, ...}]},
        "status": {"syncStatus": "Succeeded", "rdmaMode": "exclusive",
                   "interfaces": [{"name": "enp24s0np0", "pciAddress": "0000:18:00.0", "numVfs": 8,
                                   "totalvfs": 16, "vendor": "15b3", "deviceID": "1021", "Vfs": [...]}]}}]}

``syncStatus`` is ``Succeeded``, ``InProgress`` or ``Failed``; a failed apply also sets ``lastSyncError``.
Returns ``{node name: NodeState}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers import jsonout, kubejson

TOOL = "kubectl-sriovnetworknodestates"
WHAT = "kubectl get sriovnetworknodestates -o json"


@dataclass(frozen=True)
class NodeState:
    name: str
    sync_status: str | None
    last_sync_error: str | None
    rdma_mode: str | None
    vfs: dict[str, int]  # PF name -> numVfs the daemon reports (status.interfaces)


@jsonout.shape_checked(WHAT)
def parse(text: str) -> dict[str, NodeState]:
    states = {}
    for item in kubejson.items(text, "SriovNetworkNodeState", WHAT):
        name = item["metadata"]["name"]
        status = kubejson.mapping(item.get("status"), f"{name} status")
        vfs = {}
        for iface in status.get("interfaces") or []:
            iface = kubejson.mapping(iface, f"{name} status.interfaces[]")
            vfs[iface.get("name") or iface.get("pciAddress", "?")] = jsonout.integer(
                iface.get("numVfs") or 0, f"{name} status.interfaces[].numVfs")
        states[name] = NodeState(name, status.get("syncStatus") or None, status.get("lastSyncError") or None,
                                 status.get("rdmaMode") or None, vfs)
    return states
