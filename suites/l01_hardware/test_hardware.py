"""L1 hardware inventory: CPUs, memory, GPUs and backend NICs against the declared hardware profile.

layers.md L1: counts = BOM, one VBIOS per SKU fleet-wide. Where the profile leaves a value out, the fleet
majority is the expectation and the odd nodes fail by name.
"""

import pytest

from bringup import expect
from bringup.checks import l01_hardware as judge
from bringup.parsers import lspci
from bringup.probes import hardware


def test_cpu_count_matches_profile(node, facts, fleet, check):
    facts.get(hardware.NPROC)
    declared = expect.declared(node, "cpus", node.hardware.cpus, "bringup_hardware.cpus")
    check(judge.cpu_count(node.name, fleet(lambda f: f.get(hardware.NPROC)), declared))


def test_memory_matches_profile(node, facts, fleet, check):
    total_gib = judge.memory_gib(facts.get(hardware.MEMINFO))
    if node.hardware.memory_gib is not None:
        declared = expect.Expected(node.hardware.memory_gib, "inventory bringup_hardware.memory_gib")
        check(judge.memory(node.name, total_gib, declared, None))
        return
    check(judge.memory(node.name, total_gib, None, fleet(lambda f: judge.memory_gib(f.get(hardware.MEMINFO)))))


def test_gpu_count_matches_profile(node, facts, check):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")
    on_pci = len(lspci.gpus(facts.get(hardware.LSPCI)))
    check(judge.gpu_count(on_pci, len(facts.get(hardware.GPU_QUERY)),
                          expect.Expected(node.hardware.gpus, "inventory bringup_hardware.gpus")))


def test_gpu_model_matches_profile(node, facts, check):
    if not node.hardware.gpus or not node.hardware.gpu_model:
        pytest.skip(f"inventory declares no GPU model for {node.name}")
    check(judge.gpu_models(facts.get(hardware.GPU_QUERY),
                           expect.Expected(node.hardware.gpu_model, "inventory bringup_hardware.gpu_model")))


def test_gpu_vbios_identical_fleet_wide(node, facts, fleet, check):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")
    facts.get(hardware.GPU_QUERY)
    values = fleet(lambda f: judge.vbios_per_sku(f.get(hardware.GPU_QUERY)))
    check(judge.vbios_identical(node.name, values, expect.declared(node, "gpu_vbios")))


def test_gpu_power_limit_is_sku_default(node, gpu, facts, check):
    """layers.md L1: power limit = SKU default (700 W on H100 SXM); see judge.power_limit."""
    check(judge.power_limit(gpu, facts.get(hardware.GPU_QUERY), expect.declared(node, "gpu_power_limit_w")))


def test_gpu_no_hw_slowdown(node, gpu, facts, check):
    """layers.md L1: no HW slowdown active (thermal or power-brake throttling, nvidia-smi clocks reasons)."""
    check(judge.no_hw_slowdown(node.name, gpu, facts.get(hardware.GPU_QUERY)))


def test_nic_count_matches_profile(node, facts, check):
    if node.hardware.nics is None:
        pytest.skip(f"inventory declares no backend NIC count for {node.name}")
    if node.hardware.nics == 0:
        pytest.skip(f"inventory declares no RoCE NICs for {node.name}")
    hw = node.hardware
    found = lspci.nics(facts.get(hardware.LSPCI), hw.nic_pci_vendor, hw.nic_pci_device)
    check(judge.nic_count(len(found), f"{hw.nic_pci_vendor}:{hw.nic_pci_device or '*'}",
                          expect.Expected(hw.nics, "inventory bringup_hardware.nics")))


def test_nic_firmware_identical_fleet_wide(node, rail, facts, fleet, check):
    """layers.md L1: one NIC firmware (and PSID) fleet-wide, compared rail by rail across nodes."""
    probe = hardware.driver_info(rail)
    facts.get(probe)
    values = fleet(lambda f: judge.firmware_of(f.get(probe)))
    check(judge.nic_firmware_identical(rail.name, node.name, values, expect.declared(node, "nic_firmware")))
