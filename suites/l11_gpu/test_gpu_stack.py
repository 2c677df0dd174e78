"""L11 GPU stack: one driver fleet-wide, NVSwitch fabric, NVLink, memory health, Xid, persistence, DCGM
(layers.md L11). Nodes the inventory declares without GPUs skip with that reason.
"""

import pytest

from bringup import expect
from bringup.checks import equal, fleet_identical
from bringup.checks import l11_gpu as judge
from bringup.probes import gpu as probes


def _needs_gpus(node):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")


def test_gpu_driver_identical_fleet_wide(node, facts, fleet, check):
    _needs_gpus(node)
    facts.get(probes.SMI_XML)  # this node's own report must read, before the fleet's is compared
    drivers = fleet(lambda f: f.get(probes.SMI_XML).driver_version)
    check(fleet_identical("NVIDIA driver", node.name, drivers, expect.declared(node, "gpu_driver")))


def test_nvswitch_fabric_completed(node, gpu, facts, check):
    check(judge.fabric_completed(node.name, gpu, facts.get(probes.SMI_XML),
                                          expect.declared(node, "gpu_fabric_state"),
                                          expect.declared(node, "gpu_fabric_status")))


def test_fabric_manager_active(node, facts, check):
    _needs_gpus(node)
    if not judge.nvswitch_fabric(facts.get(probes.SMI_XML)):
        pytest.skip(f"no GPU on {node.name} reports an NVSwitch fabric, so there is no Fabric Manager to run")
    state = facts.get(probes.FABRIC_MANAGER)
    check(equal("nvidia-fabricmanager", state, expect.declared(node, "fabric_manager_state")))


def test_nvlink_all_links_up(node, gpu, facts, check):
    check(judge.nvlink_all_up(node.name, gpu, facts.get(probes.NVLINK),
                                       expect.declared(node, "nvlinks_per_gpu")))


def test_gpu_memory_health(node, gpu, facts, check):
    check(judge.memory_healthy(gpu, facts.get(probes.SMI_XML)))


def test_no_xid_in_dmesg(node, facts, check):
    _needs_gpus(node)
    check(judge.no_xid(node.name, facts.get(probes.DMESG), facts.get(probes.SMI_XML),
                       expect.declared(node, "xid_ignore")))


def test_gpu_persistence_mode(node, gpu, facts, check):
    check(judge.persistence_mode(gpu, facts.get(probes.SMI_XML), expect.declared(node, "gpu_persistence_mode")))


def test_dcgm_diag_passes(node, facts, check):
    _needs_gpus(node)
    diag = probes.dcgm_probe(node)
    if facts.result(diag.key).not_found:
        pytest.skip(f"dcgmi not installed on {node.name} (DCGM is optional here; layers.md L11 runs it where present)")
    check(judge.dcgm_diag_passes(facts.get(diag)))
