"""Layer 10 judges: SR-IOV on the node (VF count, the VFs on the PF, eswitch mode, each VF's RDMA device) and
the SR-IOV Network Operator's view from the cluster API (sync, policy, allocatable, RDMA mode) (layers.md L10).

Pure: each takes parsed facts (bringup.parsers: grep_h, ip_link, devlink_eswitch, ls_links, kubectl_*) and
expected values (bringup.expect.Expected) and returns the check's one Verdict; suites/l10_sriov/ reads the
facts (the node's through ``facts``, the cluster API's through ``kube``) and records the verdict.
"""

from __future__ import annotations

import json

from bringup.checks.verdict import Verdict, decisive, equal, holds
from bringup.expect import Expected
from bringup.parsers import ls_links


def vf_count(node: str, netdev: str, files: dict[str, str], planned: Expected) -> Verdict:
    """sriov_numvfs as planned, and within sriov_totalvfs (the firmware's NUM_OF_VFS: the kernel refuses more,
    so a larger number read back means the file is not what the driver reports)."""
    what = f"{netdev} sriov_numvfs"
    if "sriov_numvfs" not in files:
        return holds(what, False, None, planned.value, planned.source,
                     f"{netdev} on {node} has no sriov_numvfs (SR-IOV disabled in firmware or BIOS?)")
    numvfs, total = int(files["sriov_numvfs"]), int(files.get("sriov_totalvfs", 0))
    as_planned = equal(what, numvfs, planned)
    if as_planned.failed or numvfs <= total:
        return as_planned
    return holds(what, False, numvfs, f"<= {total}", "sriov_totalvfs",
                 f"{netdev} sriov_numvfs {numvfs} > sriov_totalvfs {total}")


def numvfs(files: dict[str, str]) -> int:
    return int(files.get("sriov_numvfs", 0))


def vfs_configured(node: str, netdev: str, numvfs: int, links: dict) -> Verdict:
    """Every VF the kernel created (sriov_numvfs) is listed on the PF with a MAC and a usable link state;
    whether that number matches the plan is :func:`vf_count`. An all-zero MAC or link-state ``disable``
    leaves the VF unusable to the pod that gets it."""
    what, reference, source = f"{netdev} VFs on the PF", numvfs, "sriov_numvfs"
    link = links.get(netdev)
    if link is None:
        return holds(what, False, None, reference, source,
                     f"`ip link show dev {netdev}` on {node} printed another interface")
    unset = [vf["vf"] for vf in link.vfs if vf.get("address") in (None, "00:00:00:00:00:00")]
    disabled = [vf["vf"] for vf in link.vfs if vf.get("link_state") == "disable"]
    measured = f"{len(link.vfs)} VF lines"
    return decisive(holds(what, len(link.vfs) == numvfs, measured, reference, source,
                          f"{netdev} lists {len(link.vfs)} VFs, sriov_numvfs is {numvfs}"),
                    holds(what, not unset and not disabled, measured, reference, source,
                          f"{netdev} VFs without MAC {unset}, link-state disable {disabled}"))


def eswitch_mode(netdev: str, modes: dict[str, str], wanted: Expected) -> Verdict:
    """Legacy mode for SR-IOV RDMA with the legacy device plugin (policy.yml eswitch_mode); switchdev puts the
    VFs behind representors that need OVS offload rules before a packet moves."""
    return equal(f"{netdev} eswitch mode", sorted(set(modes.values())), Expected([wanted.value], wanted.source))


def vf_functions(virtfn_links: dict[str, str]) -> dict[str, str | None]:
    """{virtfnN: PCI function} from the PF's ``virtfnN`` links."""
    return {name.rsplit("/", 1)[-1]: ls_links.pci_function(target) for name, target in virtfn_links.items()}


def every_vf_has_rdma_device(node: str, netdev: str, vfs: dict[str, str | None], ib_links: dict[str, str]) -> Verdict:
    """Legacy SR-IOV RDMA (layers.md L10 "Each VF has an mlx5_N RDMA link"): mlx5_ib binds every VF the PF
    created and gives it an RDMA device; a VF without one can carry IP but not RoCE for the pod it lands in."""
    owners = {ls_links.pci_function(target, below="infiniband"): device for device, target in ib_links.items()}
    missing = sorted((vf for vf, bdf in vfs.items() if bdf not in owners), key=lambda v: int(v.removeprefix("virtfn")))
    return holds(f"{netdev} VFs with an RDMA device", not missing,
                 f"{len(vfs) - len(missing)} of {len(vfs)} VFs with an RDMA device", f"all {len(vfs)}",
                 "/sys/class/infiniband",
                 f"{netdev} on {node}: VF(s) without an RDMA device (mlx5_ib not bound?): "
                 + ", ".join(f"{vf} ({vfs[vf]})" for vf in missing))


# --- the SR-IOV Network Operator, from the cluster API ---

def operator_synced(state, want: Expected) -> Verdict:
    """SriovNetworkNodeState status.syncStatus (the config daemon's last apply) and no lastSyncError."""
    ok = state.sync_status == want.value and not state.last_sync_error
    return holds(f"SriovNetworkNodeState {state.name} syncStatus", ok, state.sync_status, want.value, want.source,
                 f"SriovNetworkNodeState {state.name}: syncStatus {state.sync_status or 'unset'} != {want.value} "
                 f"({want.source})" + (f"; lastSyncError: {state.last_sync_error}" if state.last_sync_error else ""))


def policy_matches(node: str, rail: str, netdev: str, pci: str | None, namespace: str, applied, selecting: list,
                   want: Expected, num_vfs: int) -> Verdict:
    """The policy the operator applies to this PF (the highest priority of those whose nodeSelector and
    nicSelector select it) asks for the planned device type, RDMA, link type and VF count."""
    what = f"SriovNetworkNodePolicy for {node} {rail}"
    expected = {**want.value, "numVfs": num_vfs}
    if applied is None:
        return holds(what, False, None, expected, want.source,
                     f"no SriovNetworkNodePolicy in {namespace} selects {node} {rail} "
                     f"({netdev}, {pci or 'no PCI address declared'}) by nodeSelector and nicSelector")
    measured = {"deviceType": applied.device_type, "isRdma": applied.is_rdma,
                "linkType": (applied.link_type or "unset").lower(), "numVfs": applied.num_vfs}
    wrong = [f"{k} {json.dumps(measured[k])} != {json.dumps(v)}" for k, v in expected.items() if measured[k] != v]
    others = [p.name for p in selecting if p is not applied]
    return holds(what, not wrong, measured, expected, f"{want.source}; numVfs: inventory bringup_rails[].sriov_vfs",
                 f"policy {applied.name} for {node} {rail} ({netdev}): {', '.join(wrong)} "
                 f"({want.source}; numVfs: inventory bringup_rails[].sriov_vfs)"
                 + (f"; it overrides {', '.join(others)}" if others else ""))


def vfs_allocatable(node: str, rail: str, k8s_name: str, resource: str | None, source: str, have: int | None,
                    planned: Expected | None) -> Verdict:
    """The node advertises as many <prefix>/<resourceName> as the plan puts in that pool: fewer and pods that
    request them stay Pending. ``resource`` None: neither the inventory nor a policy names the pool
    (``source`` says so)."""
    if resource is None or planned is None:
        return holds(f"{node} {rail} SR-IOV resource", False, None, "a resourceName", source,
                     f"{node} {rail}: no SR-IOV resource name: {source}")
    what = f"{node} allocatable {resource}"
    if have is None:
        return holds(what, False, None, planned.value, planned.source,
                     f"node {k8s_name} advertises no {resource} in status.allocatable (device plugin not running, "
                     f"or another resourcePrefix?)")
    return equal(what, have, planned)


def rdma_mode(node: str, namespace: str, pools: list, declared: Expected) -> Verdict:
    """One SriovNetworkPoolConfig selects the node and sets the declared RDMA subsystem mode (exclusive: each
    pod sees only its own VF's RDMA device; shared: every pod sees every device)."""
    names = ", ".join(p.name for p in pools)
    if not pools:
        return holds(f"SriovNetworkPoolConfig rdmaMode for {node}", False, None, declared.value, declared.source,
                     f"no SriovNetworkPoolConfig in {namespace} selects {node}, so its RDMA subsystem mode is not "
                     f"managed (declared: {declared.value})")
    what = f"SriovNetworkPoolConfig {pools[0].name} rdmaMode for {node}"
    if len(pools) > 1:
        return holds(what, False, [p.rdma_mode for p in pools], declared.value, declared.source,
                     f"{node} is selected by several SriovNetworkPoolConfigs ({names}); one at most")
    return equal(what, pools[0].rdma_mode or "unset", declared)
