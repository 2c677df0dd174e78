"""L10 NIC virtualization, the Kubernetes side (layers.md L10 rows Operator sync, Policy, Allocatable, RDMA
mode): what the SR-IOV Network Operator reports for each node, read from the cluster API with kubectl where
bringup_kubernetes says (bringup/probes/kubeapi.py), not from the node itself.
"""

import json

import pytest

from bringup import expect
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
    state = sriov_operator.node_state(kube, node)
    want = expect.declared(node, "sriov_sync_status")
    check.record(state.sync_status, want)
    assert state.sync_status == want.value and not state.last_sync_error, (
        f"SriovNetworkNodeState {state.name}: syncStatus {state.sync_status or 'unset'} != {want.value} "
        f"({want.source})" + (f"; lastSyncError: {state.last_sync_error}" if state.last_sync_error else ""))


def test_sriov_policy_matches_plan(node, rail, kube, check):
    _require(node, kube, rail)
    applied, selecting = sriov_operator.policy(kube, node, rail)
    assert applied is not None, (
        f"no SriovNetworkNodePolicy in {kube.subject.namespace} selects {node.name} {rail.name} "
        f"({rail.netdev}, {rail.pci or 'no PCI address declared'}) by nodeSelector and nicSelector")
    want = expect.declared(node, "sriov_policy")
    expected = {**want.value, "numVfs": rail.sriov_vfs}
    measured = {"deviceType": applied.device_type, "isRdma": applied.is_rdma,
                "linkType": (applied.link_type or "unset").lower(), "numVfs": applied.num_vfs}
    check.record(measured, expected)
    wrong = [f"{k} {json.dumps(measured[k])} != {json.dumps(v)}" for k, v in expected.items() if measured[k] != v]
    others = [p.name for p in selecting if p is not applied]
    assert not wrong, (f"policy {applied.name} for {node.name} {rail.name} ({rail.netdev}): {', '.join(wrong)} "
                       f"({want.source}; numVfs: inventory bringup_rails[].sriov_vfs)"
                       + (f"; it overrides {', '.join(others)}" if others else ""))


def test_sriov_vfs_allocatable(node, rail, kube, check):
    _require(node, kube, rail)
    name, source = sriov_operator.resource_name(kube, node, rail)
    assert name is not None, f"{node.name} {rail.name}: no SR-IOV resource name: {source}"
    resource = f"{kube.subject.prefix}/{name}"
    planned = expect.Expected(sriov_operator.planned_vfs(kube, node, name),
                              f"inventory bringup_rails[].sriov_vfs of the rails in {name} ({source})")
    have = sriov_operator.k8s_node(kube, node).count(resource)
    assert have is not None, (f"node {kube.subject.k8s_name(node)} advertises no {resource} in "
                              f"status.allocatable (device plugin not running, or another resourcePrefix?)")
    check.equal(f"{node.name} allocatable {resource}", have, planned)


def test_sriov_rdma_mode_as_declared(node, kube, check):
    _require(node, kube)
    declared = kube.subject.config.rdma_mode
    if declared is None:
        pytest.skip("inventory declares no RDMA mode to require (bringup_kubernetes.rdma_mode)")
    pools = sriov_operator.pools(kube, node)
    names = ", ".join(p.name for p in pools)
    assert pools, (f"no SriovNetworkPoolConfig in {kube.subject.namespace} selects {node.name}, so its RDMA "
                   f"subsystem mode is not managed (declared: {declared})")
    assert len(pools) == 1, f"{node.name} is selected by several SriovNetworkPoolConfigs ({names}); one at most"
    check.equal(f"SriovNetworkPoolConfig {pools[0].name} rdmaMode for {node.name}", pools[0].rdma_mode or "unset",
                expect.Expected(declared, "inventory bringup_kubernetes.rdma_mode"))
