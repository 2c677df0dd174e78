"""L2 firmware, BIOS & PCIe platform: IOMMU mode, PCIe links, MaxReadReq, ACS on the GPU-NIC path, NIC
NV-config (layers.md L2). The design picks the IOMMU variant (layers.md §3): SR-IOV designs need the IOMMU on
in passthrough mode; bare-metal GPUDirect wants passthrough or no IOMMU.
"""

import pytest

from bringup import expect
from bringup.parsers import (dmesg, grep_h, lspci_vvv, mlxconfig, nvidia_smi_query, nvidia_smi_xml, pci_link_sysfs,
                             proc_cmdline)
from bringup.probes.platform import GPU_PCIE_FIELDS, link_sysfs_key, mlxconfig_key

# PCIe base specification: the transfer rate of each generation, in GT/s.
GEN_GTS = {1: 2.5, 2: 5.0, 3: 8.0, 4: 16.0, 5: 32.0, 6: 64.0}


def _iommu_on(node) -> bool:
    """D1 needs the IOMMU for SR-IOV; on D5 the Kubernetes side does when it plans VFs."""
    if node.design.iommu == "per-partition":
        return node.partition == "kubernetes" and any(r.sriov_vfs for r in node.rails)
    return node.design.iommu == "on"


def _needs_platform(node):
    """The IOMMU mode matters for GPUDirect (GPUs) and SR-IOV (RDMA NICs); a node with neither, such as a lab
    namespace with veth rails, has nothing it could break."""
    if not node.hardware.gpus and not node.hardware.nics and not any(r.pci for r in node.rails):
        pytest.skip(f"inventory declares no GPUs and no RDMA NICs for {node.name}: no GPUDirect/SR-IOV path")


def _pci(facts):
    return facts.parsed("lspci-vvv", lspci_vvv.parse)


def _function(node, functions, slot, what):
    fn = functions.get(lspci_vvv.normalise_slot(slot))
    assert fn is not None, f"{what} {slot} is not in `lspci -vvv` on {node.name}"
    assert not fn.access_denied, f"`lspci -vvv` on {node.name} ran without root: {slot} capabilities <access denied>"
    return fn


def _gpu_row(facts, gpu):
    rows = facts.parsed("gpu-pcie", lambda t: nvidia_smi_query.parse(t, GPU_PCIE_FIELDS))
    row = next((r for r in rows if r["index"] == str(gpu)), None)
    assert row is not None, f"nvidia-smi lists no GPU {gpu} (GPUs: {[r['index'] for r in rows]})"
    return row


def test_kernel_cmdline_iommu_mode(node, facts, check):
    _needs_platform(node)
    cmd = facts.parsed("cmdline", proc_cmdline.parse)
    pt = cmd.has("iommu", "pt")
    if _iommu_on(node):
        on = cmd.has("intel_iommu", "on") or cmd.has("amd_iommu", "on")
        check.record(cmd.raw, "intel_iommu=on|amd_iommu=on + iommu=pt")
        assert on and pt, (f"{node.design.id} uses SR-IOV: the cmdline needs intel_iommu=on (or amd_iommu=on) and "
                           f"iommu=pt; {node.name} has: {cmd.raw}")
    else:
        off = cmd.has("iommu", "off") or cmd.has("intel_iommu", "off") or cmd.has("amd_iommu", "off")
        check.record(cmd.raw, "iommu=pt, or the IOMMU off")
        assert pt or off, (f"bare-metal GPUDirect ({node.design.id}) needs iommu=pt or the IOMMU off "
                           f"(intel_iommu=off/amd_iommu=off); {node.name} has: {cmd.raw}")


def test_iommu_state_matches_design(node, facts, check):
    _needs_platform(node)
    state = facts.parsed("dmesg-iommu", dmesg.parse)
    if state.iommu_enabled is None and state.default_domain is None:
        pytest.skip(f"no IOMMU/DMAR boot messages left in the dmesg ring buffer of {node.name}")
    measured = f"enabled={state.iommu_enabled}, default domain {state.default_domain}"
    evidence = "; ".join(state.iommu_lines[:4])
    if _iommu_on(node):
        check.record(measured, "enabled, Passthrough")
        assert state.iommu_enabled and state.default_domain == "Passthrough", \
            f"{node.design.id} needs the IOMMU enabled in passthrough; dmesg on {node.name}: {evidence}"
    else:
        check.record(measured, "Passthrough or disabled")
        assert state.default_domain == "Passthrough" or not state.iommu_enabled, \
            f"the IOMMU translates DMA (default domain {state.default_domain}) on {node.name}: {evidence}"


def _nic_link(node, rail, facts):
    """(speed GT/s, width, downgraded, capability text, source) from `lspci -vvv`, or from sysfs where lspci is
    missing or ran without root."""
    result = facts.result("lspci-vvv")
    fn = None
    if not result.not_found:
        fn = _pci(facts).get(lspci_vvv.normalise_slot(rail.pci))
    if fn is not None and not fn.access_denied and fn.link_sta is not None:
        cap = fn.link_cap
        return fn.link_sta.speed_gts, fn.link_sta.width, fn.link_downgraded, \
            f"{cap.speed_gts}GT/s x{cap.width}" if cap else "?", "lspci"
    link = facts.parsed(link_sysfs_key(rail), pci_link_sysfs.parse)
    return link.speed_gts, link.width, link.downgraded, f"{link.max_speed_gts}GT/s x{link.max_width}", "sysfs"


def test_nic_pcie_link_full_speed(node, rail, facts, check):
    if not rail.pci:
        pytest.skip(f"inventory declares no PCI address for {node.name} {rail.name}")
    gen, width = expect.declared(node, "pcie_link_gen"), expect.declared(node, "pcie_link_width")
    speed, lanes, downgraded, capable, source = _nic_link(node, rail, facts)
    what = f"{rail.name} NIC {rail.pci}"
    check.record(f"{speed}GT/s x{lanes}{' (downgraded)' if downgraded else ''} ({source})",
                 f"{GEN_GTS[gen.value]}GT/s x{width.value}")
    assert not downgraded, f"{what} link downgraded: running {speed}GT/s x{lanes}, capable of {capable} ({source})"
    assert speed == GEN_GTS[gen.value], f"{what}: {speed}GT/s, not Gen{gen.value} ({gen.source})"
    assert lanes == width.value, f"{what}: x{lanes}, not x{width.value} ({width.source})"


def test_gpu_pcie_link_full_speed(node, gpu, facts, check):
    row = _gpu_row(facts, gpu)
    gen, width = expect.declared(node, "pcie_link_gen"), expect.declared(node, "pcie_link_width")
    # The running generation drops while a GPU idles; the generation the GPU and slot allow does not.
    check.record(f"Gen{row['pcie.link.gen.max']} x{row['pcie.link.width.current']}", f"Gen{gen.value} x{width.value}")
    assert int(row["pcie.link.gen.max"]) >= gen.value, \
        f"GPU {gpu} ({row['pci.bus_id']}): the slot allows only Gen{row['pcie.link.gen.max']} ({gen.source})"
    assert int(row["pcie.link.width.current"]) == width.value, \
        f"GPU {gpu} ({row['pci.bus_id']}) runs x{row['pcie.link.width.current']}, not x{width.value} ({width.source})"


def test_gpu_bar1_maps_all_memory(node, gpu, facts, check):
    """layers.md L2 BIOS: Above-4G decoding and Resizable BAR on. The GPU's BAR1 then spans its whole memory
    (H100: 128 GiB BAR1 over 80 GB HBM); with either off the firmware leaves the legacy 256 MiB window, and
    GPUDirect RDMA (which maps GPU memory through BAR1) is starved or fails to register."""
    report = facts.parsed("nvidia-smi-xml", nvidia_smi_xml.parse)
    if gpu >= len(report.gpus):
        pytest.fail(f"nvidia-smi -q -x lists no GPU {gpu} on {node.name} ({len(report.gpus)} GPUs)")
    row = report.gpus[gpu]
    if row.bar1_total_mib is None or row.fb_total_mib is None:
        pytest.fail(f"GPU {gpu} on {node.name}: nvidia-smi reports no BAR1 or framebuffer size")
    check.at_least(f"GPU {gpu} ({row.bus_id}) BAR1", row.bar1_total_mib,
                   expect.Expected(row.fb_total_mib, "its framebuffer size: Above-4G decoding + ReBAR on "
                                                     "(layers.md L2 BIOS)"), "MiB")


def test_nic_max_read_request(node, rail, facts, check):
    if not rail.pci:
        pytest.skip(f"inventory declares no PCI address for {node.name} {rail.name}")
    fn = _function(node, _pci(facts), rail.pci, f"{rail.name} NIC")
    check.equal(f"{rail.name} NIC {fn.slot} MaxReadReq", fn.max_read_req,
                expect.declared(node, "nic_max_read_request"), "bytes")


def test_acs_off_on_gpu_nic_path(node, rail, facts, check):
    if not rail.pci or rail.gpu is None:
        pytest.skip(f"inventory pairs no GPU with {node.name} {rail.name}")
    functions = _pci(facts)
    gpu_slot = lspci_vvv.normalise_slot(_gpu_row(facts, rail.gpu)["pci.bus_id"]) if node.hardware.gpus else None
    assert gpu_slot in functions, f"GPU {rail.gpu} of {rail.name} is not in `lspci -vvv` on {node.name}"
    ports = {p.slot: p for s in (rail.pci, gpu_slot) for p in lspci_vvv.downstream_ports_above(functions, s)}
    if not ports:
        pytest.skip(f"no PCIe switch port above {rail.name} NIC or GPU {rail.gpu} on {node.name}")
    on = {slot: sorted(k for k, v in (p.acs_ctl or {}).items() if v) for slot, p in sorted(ports.items())}
    on = {slot: flags for slot, flags in on.items() if flags}
    check.record(on or "all ACSCtl flags off", "all ACSCtl flags off")
    assert not on, (f"ACS enabled on the switch ports between GPU {rail.gpu} and {rail.name} NIC: "
                    + "; ".join(f"{slot} {' '.join(f + '+' for f in flags)}" for slot, flags in on.items())
                    + " (P2P is forced through the root complex)")


def test_nic_nv_config(node, rail, facts, check):
    if not rail.pci:
        pytest.skip(f"inventory declares no PCI address for {node.name} {rail.name}")
    conf = facts.parsed(mlxconfig_key(rail), mlxconfig.parse)
    wanted = dict(expect.declared(node, "mlxconfig").value)
    if not _iommu_on(node):
        wanted.update(expect.declared(node, "mlxconfig_iommu_passthrough").value)
    if node.design.sriov:
        wanted.update(expect.declared(node, "mlxconfig_sriov").value)
        if rail.sriov_vfs is not None:
            wanted["NUM_OF_VFS"] = rail.sriov_vfs
    fabric = node.fabric
    if fabric.cnp_dscp is not None:
        wanted["CNP_DSCP_P1"] = fabric.cnp_dscp
    if fabric.cnp_priority is not None:
        wanted["CNP_802P_PRIO_P1"] = fabric.cnp_priority
    wrong = {k: (conf.get(k), v) for k, v in wanted.items() if not mlxconfig.same(conf.get(k), v)}
    check.record({k: conf.get(k) for k in wanted}, wanted)
    assert not wrong, f"{rail.name} NIC {rail.pci} NV-config differs: " + ", ".join(
        f"{k}={got} (expected {exp})" for k, (got, exp) in wrong.items())


def _bios_version(facts):
    values = grep_h.under(facts.parsed("bios", grep_h.parse), "/sys/class/dmi/id")
    assert "bios_version" in values, f"no bios_version in /sys/class/dmi/id ({sorted(values)})"
    return values["bios_version"]


def test_bios_identical_fleet_wide(node, facts, fleet, check):
    """layers.md L2 BIOS row, the part a host can show: one BIOS version across the fleet. The knobs (VT-d,
    Above-4G, ReBAR, power profile) are only visible through vendor tools."""
    _needs_platform(node)
    result = facts.result("bios")
    if result.rc == 2 and "No such file" in result.stderr and not result.stdout.strip():
        pytest.skip(f"{node.name} exports no SMBIOS strings (/sys/class/dmi/id absent: a VM without SMBIOS?)")
    _bios_version(facts)
    check.fleet_identical("BIOS version", node.name, fleet(_bios_version), expect.declared(node, "bios_version"))
