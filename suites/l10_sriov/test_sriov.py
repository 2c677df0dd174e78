"""L10 NIC virtualization, per rail with planned VFs (layers.md L10): VF count as planned (and within the
device's total), every VF configured on the PF, and the eswitch in legacy mode for SR-IOV RDMA. Kubernetes
operator rows (sync status, policy, allocatable, RDMA mode) read the cluster API: test_sriov_operator.py.
"""

import pytest

from bringup import expect
from bringup.checks import l10_sriov as judge
from bringup.parsers import grep_h
from bringup.probes import sriov


def _require_vfs(node, rail):
    if not rail.sriov_vfs:
        pytest.skip(f"inventory plans no SR-IOV VFs on {node.name} {rail.name} (bringup_rails[].sriov_vfs)")


def _vf_files(facts, rail):
    return grep_h.under(facts.get(sriov.vf_counts(rail)), f"/sys/class/net/{rail.netdev}/device")


def test_vf_count_matches_plan(node, rail, facts, check):
    _require_vfs(node, rail)
    check(judge.vf_count(node.name, rail.netdev, _vf_files(facts, rail),
                         expect.Expected(rail.sriov_vfs, "inventory bringup_rails[].sriov_vfs")))


def test_vfs_configured_on_pf(node, rail, facts, check):
    """Every VF the kernel created (sriov_numvfs) is listed on the PF with a MAC and a usable link state;
    whether that number matches the plan is the check above."""
    _require_vfs(node, rail)
    check(judge.vfs_configured(node.name, rail.netdev, judge.numvfs(_vf_files(facts, rail)),
                               facts.get(sriov.pf_link(rail))))


def test_eswitch_mode_legacy(node, rail, facts, check):
    _require_vfs(node, rail)
    if not rail.pci:
        pytest.skip(f"inventory declares no PCI address for {node.name} {rail.name} (devlink needs it)")
    check(judge.eswitch_mode(rail.netdev, facts.get(sriov.eswitch(rail)), expect.declared(node, "eswitch_mode")))


def test_every_vf_has_rdma_device(node, rail, facts, check):
    """Legacy SR-IOV RDMA (layers.md L10 "Each VF has an mlx5_N RDMA link"): mlx5_ib binds every VF the PF
    created and gives it an RDMA device; a VF without one can carry IP but not RoCE for the pod it lands in."""
    _require_vfs(node, rail)
    probe = sriov.vf_functions(rail)
    result = facts.result(probe.key)
    if result.rc == 2 and not result.stdout.strip():
        pytest.skip(f"{rail.netdev} on {node.name} has no VFs yet (no virtfn links): the VF count check reports it")
    check(judge.every_vf_has_rdma_device(node.name, rail.netdev, judge.vf_functions(facts.get(probe)),
                                         facts.get(sriov.IB_DEVICES)))
