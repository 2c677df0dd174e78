"""L1 hardware inventory: CPUs, memory, GPUs and backend NICs against the declared hardware profile.

layers.md L1: counts = BOM, one VBIOS per SKU fleet-wide. Where the profile leaves a value out, the fleet
majority is the expectation and the odd nodes fail by name.
"""

import pytest

from bringup import expect
from bringup.parsers import ethtool_driver, lspci, meminfo, nvidia_smi_query, scalar
from bringup.probes.hardware import GPU_QUERY_FIELDS

GIB = 1024**3


def _gpu_rows(facts):
    return facts.parsed("gpu-query", lambda text: nvidia_smi_query.parse(text, GPU_QUERY_FIELDS))


def test_cpu_count_matches_profile(node, facts, fleet, check):
    facts.parsed("nproc", scalar.parse_int)
    declared = expect.declared(node, "cpus", node.hardware.cpus, "bringup_hardware.cpus")
    values = fleet(lambda f: f.parsed("nproc", scalar.parse_int))
    check.fleet_identical("logical CPUs", node.name, values, declared)


def test_memory_matches_profile(node, facts, fleet, check):
    total_gib = round(facts.parsed("meminfo", meminfo.parse)["MemTotal"] / GIB)
    if node.hardware.memory_gib is not None:
        # MemTotal excludes firmware/kernel reservations, so it reads a little under the installed size.
        check.at_least("memory", total_gib, expect.Expected(node.hardware.memory_gib,
                                                            "inventory bringup_hardware.memory_gib"), "GiB")
        return
    values = fleet(lambda f: round(f.parsed("meminfo", meminfo.parse)["MemTotal"] / GIB))
    check.fleet_identical("memory (GiB)", node.name, values, None)


def test_gpu_count_matches_profile(node, facts, check):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")
    expected = expect.Expected(node.hardware.gpus, "inventory bringup_hardware.gpus")
    on_pci = len(lspci.gpus(facts.parsed("lspci", lspci.parse)))
    check.equal("GPUs on the PCI bus", on_pci, expected)
    check.equal("GPUs seen by nvidia-smi", len(_gpu_rows(facts)), expected)


def test_gpu_model_matches_profile(node, facts, check):
    if not node.hardware.gpus or not node.hardware.gpu_model:
        pytest.skip(f"inventory declares no GPU model for {node.name}")
    models = sorted({row["name"] for row in _gpu_rows(facts)})
    check.equal("GPU models", models, expect.Expected([node.hardware.gpu_model], "inventory bringup_hardware.gpu_model"))


def test_gpu_vbios_identical_fleet_wide(node, facts, fleet, check):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")
    vbios = lambda f: tuple(sorted({(r["name"], r["vbios_version"]) for r in _gpu_rows(f)}))  # noqa: E731
    vbios(facts)
    check.fleet_identical("GPU VBIOS per SKU", node.name, fleet(vbios), expect.declared(node, "gpu_vbios"))


def _gpu_row(facts, gpu):
    rows = {int(row["index"]): row for row in _gpu_rows(facts)}
    if gpu not in rows:
        pytest.fail(f"nvidia-smi lists no GPU {gpu} (indices: {sorted(rows)})")
    return rows[gpu]


def test_gpu_power_limit_is_sku_default(node, gpu, facts, check):
    """layers.md L1: power limit = SKU default (700 W on H100 SXM). The GPU reports its own default, so a
    capped GPU fails without a wattage in test code; a site that caps on purpose declares gpu_power_limit_w."""
    row = _gpu_row(facts, gpu)
    declared = expect.declared(node, "gpu_power_limit_w")
    wanted = declared or expect.Expected(float(row["power.default_limit"]), f"GPU {gpu}'s own power.default_limit")
    check.equal(f"GPU {gpu} power limit", float(row["power.limit"]), expect.Expected(float(wanted.value), wanted.source),
                "W")


def test_gpu_no_hw_slowdown(node, gpu, facts, check):
    """layers.md L1: no HW slowdown active (thermal or power-brake throttling, nvidia-smi clocks reasons)."""
    state = _gpu_row(facts, gpu)["clocks_throttle_reasons.hw_slowdown"]
    check.record(state, "Not Active")
    assert state == "Not Active", f"GPU {gpu} on {node.name}: HW slowdown {state} (thermal or power brake)"


def test_nic_count_matches_profile(node, facts, check):
    if node.hardware.nics is None:
        pytest.skip(f"inventory declares no backend NIC count for {node.name}")
    if node.hardware.nics == 0:
        pytest.skip(f"inventory declares no RoCE NICs for {node.name}")
    hw = node.hardware
    found = lspci.nics(facts.parsed("lspci", lspci.parse), hw.nic_pci_vendor, hw.nic_pci_device)
    ids = f"{hw.nic_pci_vendor}:{hw.nic_pci_device or '*'}"
    check.equal(f"backend NIC functions ({ids}, VFs excluded)", len(found),
                expect.Expected(node.hardware.nics, "inventory bringup_hardware.nics"))


def test_nic_firmware_identical_fleet_wide(node, rail, facts, fleet, check):
    """layers.md L1: one NIC firmware (and PSID) fleet-wide, compared rail by rail across nodes."""
    key = f"ethtool-i-{rail.name}"
    firmware = lambda f: "{0.firmware} ({0.psid})".format(f.parsed(key, ethtool_driver.parse))  # noqa: E731
    firmware(facts)
    check.fleet_identical(f"{rail.name} NIC firmware", node.name, fleet(firmware), expect.declared(node, "nic_firmware"))
