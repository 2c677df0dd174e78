"""L2 firmware, BIOS & PCIe platform: IOMMU mode, PCIe links, MaxReadReq, ACS on the GPU-NIC path, NIC
NV-config (layers.md L2). The design picks the IOMMU variant (layers.md §3): SR-IOV designs need the IOMMU on
in passthrough mode; bare-metal GPUDirect wants passthrough or no IOMMU.
"""

import pytest

from bringup import expect
from bringup.checks import l02_firmware as judge
from bringup.parsers import grep_h
from bringup.probes import platform


def _needs_platform(node):
    """The IOMMU mode matters for GPUDirect (GPUs) and SR-IOV (RDMA NICs); a node with neither, such as a lab
    namespace with veth rails, has nothing it could break."""
    if not node.hardware.gpus and not node.hardware.nics and not any(r.pci for r in node.rails):
        pytest.skip(f"inventory declares no GPUs and no RDMA NICs for {node.name}: no GPUDirect/SR-IOV path")


def _needs_pci(node, rail):
    if not rail.pci:
        pytest.skip(f"inventory declares no PCI address for {node.name} {rail.name}")


def _link_expectations(node):
    return expect.declared(node, "pcie_link_gen"), expect.declared(node, "pcie_link_width")


def test_kernel_cmdline_iommu_mode(node, facts, check):
    _needs_platform(node)
    check(judge.cmdline_iommu(node.name, node.design.id, facts.get(platform.CMDLINE), judge.iommu_on(node)))


def test_iommu_state_matches_design(node, facts, check):
    _needs_platform(node)
    state = facts.get(platform.DMESG)
    if state.iommu_enabled is None and state.default_domain is None:
        pytest.skip(f"no IOMMU/DMAR boot messages left in the dmesg ring buffer of {node.name}")
    check(judge.iommu_state(node.name, node.design.id, state, judge.iommu_on(node)))


def test_nic_pcie_link_full_speed(node, rail, facts, check):
    _needs_pci(node, rail)
    check(judge.nic_link_full_speed(f"{rail.name} NIC {rail.pci}", platform.nic_link(facts, rail),
                                    *_link_expectations(node)))


def test_gpu_pcie_link_full_speed(node, gpu, facts, check):
    check(judge.gpu_link_full_speed(gpu, facts.get(platform.GPU_PCIE), *_link_expectations(node)))


def test_gpu_bar1_maps_all_memory(node, gpu, facts, check):
    """layers.md L2 BIOS: Above-4G decoding and Resizable BAR on, so BAR1 spans the GPU's whole memory."""
    check(judge.bar1_maps_all_memory(node.name, gpu, facts.get(platform.SMI_XML)))


def test_nic_max_read_request(node, rail, facts, check):
    _needs_pci(node, rail)
    check(judge.max_read_request(node.name, rail.name, facts.get(platform.LSPCI_VVV), rail.pci,
                                 expect.declared(node, "nic_max_read_request")))


def test_acs_off_on_gpu_nic_path(node, rail, facts, check):
    if not rail.pci or rail.gpu is None:
        pytest.skip(f"inventory pairs no GPU with {node.name} {rail.name}")
    functions = facts.get(platform.LSPCI_VVV)
    rows = facts.get(platform.GPU_PCIE) if node.hardware.gpus else None
    verdict = judge.acs_off_on_path(node.name, rail.name, rail.pci, rail.gpu, rows, functions)
    if verdict is None:
        pytest.skip(f"no PCIe switch port above {rail.name} NIC or GPU {rail.gpu} on {node.name}")
    check(verdict)


def test_nic_nv_config(node, rail, facts, check):
    _needs_pci(node, rail)
    conf = facts.get(platform.mlxconfig(rail))
    wanted = judge.wanted_nv_config(node, rail, expect.declared(node, "mlxconfig"),
                                    expect.declared(node, "mlxconfig_iommu_passthrough"),
                                    expect.declared(node, "mlxconfig_sriov"))
    check(judge.nv_config(rail.name, rail.pci, conf, wanted))


def _dmi(facts):
    return grep_h.under(facts.get(platform.BIOS), "/sys/class/dmi/id")


def test_bios_identical_fleet_wide(node, facts, fleet, check):
    """layers.md L2 BIOS row, the part a host can show: one BIOS version across the fleet."""
    _needs_platform(node)
    result = facts.result(platform.BIOS.key)
    if result.rc == 2 and "No such file" in result.stderr and not result.stdout.strip():
        pytest.skip(f"{node.name} exports no SMBIOS strings (/sys/class/dmi/id absent: a VM without SMBIOS?)")
    values = _dmi(facts)
    fleet_values = {n: v for n, v in fleet(lambda f: judge.bios_version(_dmi(f))).items() if v is not None}
    check(judge.bios_identical(node.name, values, fleet_values, expect.declared(node, "bios_version")))
