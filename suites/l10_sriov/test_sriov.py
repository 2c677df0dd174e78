"""L10 NIC virtualization, per rail with planned VFs (layers.md L10): VF count as planned (and within the
device's total), every VF configured on the PF, and the eswitch in legacy mode for SR-IOV RDMA. Kubernetes
operator rows (sync status, policy, allocatable, RDMA mode) read the cluster API: test_sriov_operator.py.
"""

import pytest

from bringup import expect
from bringup.parsers import devlink_eswitch, grep_h, ip_link, ls_links


def _require_vfs(node, rail):
    if not rail.sriov_vfs:
        pytest.skip(f"inventory plans no SR-IOV VFs on {node.name} {rail.name} (bringup_rails[].sriov_vfs)")


def _vf_files(facts, rail):
    return grep_h.under(facts.parsed(f"sriov-{rail.name}", grep_h.parse), f"/sys/class/net/{rail.netdev}/device")


def test_vf_count_matches_plan(node, rail, facts, check):
    _require_vfs(node, rail)
    files = _vf_files(facts, rail)
    if "sriov_numvfs" not in files:
        pytest.fail(f"{rail.netdev} on {node.name} has no sriov_numvfs (SR-IOV disabled in firmware or BIOS?)")
    numvfs, total = int(files["sriov_numvfs"]), int(files.get("sriov_totalvfs", 0))
    planned = expect.Expected(rail.sriov_vfs, "inventory bringup_rails[].sriov_vfs")
    check.equal(f"{rail.netdev} sriov_numvfs", numvfs, planned)
    assert numvfs <= total, f"{rail.netdev} sriov_numvfs {numvfs} > sriov_totalvfs {total}"


def test_vfs_configured_on_pf(node, rail, facts, check):
    """Every VF the kernel created (sriov_numvfs) is listed on the PF with a MAC and a usable link state;
    whether that number matches the plan is the check above."""
    _require_vfs(node, rail)
    numvfs = int(_vf_files(facts, rail).get("sriov_numvfs", 0))
    link = facts.parsed(f"pf-link-{rail.name}", ip_link.parse).get(rail.netdev)
    assert link is not None, f"`ip link show dev {rail.netdev}` on {node.name} printed another interface"
    unset = [vf["vf"] for vf in link.vfs if vf.get("address") in (None, "00:00:00:00:00:00")]
    disabled = [vf["vf"] for vf in link.vfs if vf.get("link_state") == "disable"]
    check.record(f"{len(link.vfs)} VF lines", f"{numvfs} (sriov_numvfs)")
    assert len(link.vfs) == numvfs, f"{rail.netdev} lists {len(link.vfs)} VFs, sriov_numvfs is {numvfs}"
    assert not unset and not disabled, f"{rail.netdev} VFs without MAC {unset}, link-state disable {disabled}"


def test_eswitch_mode_legacy(node, rail, facts, check):
    _require_vfs(node, rail)
    if not rail.pci:
        pytest.skip(f"inventory declares no PCI address for {node.name} {rail.name} (devlink needs it)")
    modes = facts.parsed(f"eswitch-{rail.name}", devlink_eswitch.parse)
    check.equal(f"{rail.netdev} eswitch mode", sorted(set(modes.values())), expect.Expected(
        [expect.declared(node, "eswitch_mode").value], expect.declared(node, "eswitch_mode").source))


def test_every_vf_has_rdma_device(node, rail, facts, check):
    """Legacy SR-IOV RDMA (layers.md L10 "Each VF has an mlx5_N RDMA link"): mlx5_ib binds every VF the PF
    created and gives it an RDMA device; a VF without one can carry IP but not RoCE for the pod it lands in."""
    _require_vfs(node, rail)
    result = facts.result(f"virtfn-{rail.name}")
    if result.rc == 2 and not result.stdout.strip():
        pytest.skip(f"{rail.netdev} on {node.name} has no VFs yet (no virtfn links): the VF count check reports it")
    vfs = {name.rsplit("/", 1)[-1]: ls_links.pci_function(target)
           for name, target in facts.parsed(f"virtfn-{rail.name}", ls_links.parse).items()}
    owners = {ls_links.pci_function(target, below="infiniband"): device
              for device, target in facts.parsed("ib-devices", ls_links.parse).items()}
    missing = sorted((vf for vf, bdf in vfs.items() if bdf not in owners), key=lambda v: int(v.removeprefix("virtfn")))
    check.record(f"{len(vfs) - len(missing)} of {len(vfs)} VFs with an RDMA device", f"all {len(vfs)}")
    assert not missing, (f"{rail.netdev} on {node.name}: VF(s) without an RDMA device (mlx5_ib not bound?): "
                         + ", ".join(f"{vf} ({vfs[vf]})" for vf in missing))
