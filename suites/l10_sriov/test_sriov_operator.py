"""L10 NIC virtualization, the Kubernetes side (layers.md L10 rows Operator sync, Policy, Allocatable, RDMA
mode): what the SR-IOV Network Operator reports for each node, read from the cluster API with kubectl where
bringup_kubernetes says (bringup/probes/kubeapi.py), not from the node itself.
"""

import pytest

from bringup import expect
from bringup.checks import l10_sriov as judge
from bringup.checks import sriov_operator
from bringup.probes import kubeapi


def _require(node, kube, rail=None):
    if node.partition == "slurm":
        pytest.skip(f"{node.name} is on the Slurm side (bringup_partition: slurm); no SR-IOV operator there")
    planned = rail.sriov_vfs if rail is not None else kubeapi.applies(node)
    if not planned:
        where = f"{node.name} {rail.name}" if rail is not None else node.name
        pytest.skip(f"inventory plans no SR-IOV VFs on {where} (bringup_rails[].sriov_vfs)")
    if kube.subject is None:
        pytest.skip("inventory declares no bringup_kubernetes block (kubeconfig/context of the cluster API), "
                    "so the SR-IOV operator rows are not checked")


def test_sriov_operator_synced(node, kube, check):
    _require(node, kube)
    check(judge.operator_synced(sriov_operator.node_state(kube, node), expect.declared(node, "sriov_sync_status")))


def test_sriov_policy_matches_plan(node, rail, kube, check):
    _require(node, kube, rail)
    applied, selecting = sriov_operator.policy(kube, node, rail)
    check(judge.policy_matches(node.name, rail.name, rail.netdev, rail.pci, kube.subject.namespace, applied,
                               selecting, expect.declared(node, "sriov_policy"), rail.sriov_vfs))


def test_sriov_vfs_allocatable(node, rail, kube, check):
    _require(node, kube, rail)
    name, source = sriov_operator.resource_name(kube, node, rail)
    resource = have = planned = None
    if name is not None:
        resource = f"{kube.subject.prefix}/{name}"
        have = sriov_operator.k8s_node(kube, node).count(resource)
        planned = expect.Expected(sriov_operator.planned_vfs(kube, node, name),
                                  f"inventory bringup_rails[].sriov_vfs of the rails in {name} ({source})")
    check(judge.vfs_allocatable(node.name, rail.name, kube.subject.k8s_name(node), resource, source, have, planned))


def test_sriov_rdma_mode_as_declared(node, kube, check):
    _require(node, kube)
    declared = kube.subject.config.rdma_mode
    if declared is None:
        pytest.skip("inventory declares no RDMA mode to require (bringup_kubernetes.rdma_mode)")
    check(judge.rdma_mode(node.name, kube.subject.namespace, sriov_operator.pools(kube, node),
                          expect.Expected(declared, "inventory bringup_kubernetes.rdma_mode")))
