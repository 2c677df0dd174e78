"""What the L10 SR-IOV operator rows read from the cluster API (layers.md L10: Operator sync, Policy,
Allocatable, RDMA mode): this node's SriovNetworkNodeState, the policy applied to a rail, the resource name and
pool size of its VFs, the pool configs that select it. Facts come through the ``kube`` fixture's probes
(bringup/probes/kubeapi.py); the judges are in bringup/checks/l10_sriov.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bringup.checks.kube import KubeFacts
from bringup.parsers import kubectl_node, kubectl_nodestates, kubectl_policies, kubectl_poolconfigs
from bringup.probe.prober import ProbeError
from bringup.probes import kubeapi

if TYPE_CHECKING:
    from bringup.inventory import Node
    from bringup.model import Rail


def k8s_node(kube: KubeFacts, node: "Node") -> kubectl_node.KubeNode:
    return kube.get(kubeapi.node_object(kube.subject, node))


def node_state(kube: KubeFacts, node: "Node") -> kubectl_nodestates.NodeState:
    name = kube.subject.k8s_name(node)
    state = kube.get(kubeapi.node_states(kube.subject)).get(name)
    if state is None:
        raise ProbeError(f"no SriovNetworkNodeState {name!r} in namespace {kube.subject.namespace} (the operator "
                         f"creates one per node its config daemon runs on; wrong namespace, or no daemon there?)")
    return state


def policy(kube: KubeFacts, node: "Node", rail: "Rail"):
    """(the policy the operator applies to this rail's PF on this node, every policy that selects it)."""
    labels = k8s_node(kube, node).labels
    return kubectl_policies.effective(kube.get(kubeapi.policies(kube.subject)), labels,
                                      rail.netdev, rail.pci, node.hardware.nic_pci_vendor,
                                      node.hardware.nic_pci_device)


def resource_name(kube: KubeFacts, node: "Node", rail: "Rail") -> tuple[str | None, str]:
    """(resourceName of the rail's VFs, where it comes from): the inventory's, else the applied policy's."""
    declared = kube.subject.config.resources.get(rail.name)
    if declared:
        return declared, "inventory bringup_kubernetes.resources"
    applied, _ = policy(kube, node, rail)
    if applied is None or not applied.resource_name:
        return None, "no SriovNetworkNodePolicy selects it and bringup_kubernetes.resources names none"
    return applied.resource_name, f"SriovNetworkNodePolicy {applied.name}"


def planned_vfs(kube: KubeFacts, node: "Node", resource: str) -> int:
    """VFs the plan puts into one resource pool on this node: every rail whose VFs carry that name."""
    total = 0
    for rail in node.rails:
        if rail.sriov_vfs:
            try:
                name, _ = resource_name(kube, node, rail)
            except ProbeError:
                continue  # that rail's own check reports why its resource is unknown
            if name == resource:
                total += rail.sriov_vfs
    return total


def pools(kube: KubeFacts, node: "Node") -> list[kubectl_poolconfigs.PoolConfig]:
    labels = k8s_node(kube, node).labels
    return [p for p in kube.get(kubeapi.pool_configs(kube.subject)) if p.selects(labels)]
