"""L11 GPU stack: one driver fleet-wide, NVSwitch fabric, NVLink, memory health, Xid, persistence, DCGM
(layers.md L11). Nodes the inventory declares without GPUs skip with that reason.
"""

import pytest

from bringup import expect
from bringup.parsers import dcgmi_diag, dmesg, nvidia_smi_nvlink, nvidia_smi_xml, scalar


def _needs_gpus(node):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")


def _report(facts):
    return facts.parsed("nvidia-smi-xml", nvidia_smi_xml.parse)


def _gpu(facts, gpu):
    report = _report(facts)
    assert gpu < len(report.gpus), f"nvidia-smi reports {len(report.gpus)} GPUs, no GPU {gpu}"
    return report.gpus[gpu]


def test_gpu_driver_identical_fleet_wide(node, facts, fleet, check):
    _needs_gpus(node)
    _report(facts)
    values = fleet(lambda f: _report(f).driver_version)
    check.fleet_identical("NVIDIA driver", node.name, values, expect.declared(node, "gpu_driver"))


def test_nvswitch_fabric_completed(node, gpu, facts, check):
    report = _gpu(facts, gpu)
    if report.fabric_state is None:
        pytest.skip(f"GPU {gpu} on {node.name} reports no NVSwitch fabric (driver < 525 or no NVSwitch board)")
    state, status = expect.declared(node, "gpu_fabric_state"), expect.declared(node, "gpu_fabric_status")
    check.record(f"{report.fabric_state}/{report.fabric_status}", f"{state.value}/{status.value}")
    assert (report.fabric_state, report.fabric_status) == (state.value, status.value), \
        (f"GPU {gpu} ({report.bus_id}) fabric State {report.fabric_state}, Status {report.fabric_status} "
         f"({state.source})")


def test_fabric_manager_active(node, facts, check):
    _needs_gpus(node)
    if all(g.fabric_state is None for g in _report(facts).gpus):
        pytest.skip(f"no GPU on {node.name} reports an NVSwitch fabric, so there is no Fabric Manager to run")
    # systemctl is-active exits 3 for an inactive unit; its stdout still names the state.
    state = facts.parsed("fabricmanager", scalar.parse, allow_rc=(0, 3))
    check.equal("nvidia-fabricmanager", state, expect.declared(node, "fabric_manager_state"))


def test_nvlink_all_links_up(node, gpu, facts, check):
    links = facts.parsed("nvlink", nvidia_smi_nvlink.parse)
    declared = expect.declared(node, "nvlinks_per_gpu")
    if not links:  # driver 580 prints nothing when no GPU exposes NVLink (PCIe board, or NVLink hidden from a VM)
        assert declared is None or not declared.value, \
            f"`nvidia-smi nvlink -s` on {node.name} reports no NVLink; {declared.source} expects {declared.value} per GPU"
        pytest.skip(f"`nvidia-smi nvlink -s` on {node.name} reports no NVLink (PCIe board or VM)")
    assert gpu in links, f"`nvidia-smi nvlink -s` on {node.name} lists no GPU {gpu}"
    mine = links[gpu]
    if not mine.links:
        pytest.skip(f"GPU {gpu} on {node.name} has no NVLink (PCIe board)")
    check.record(f"{len(mine.links) - len(mine.inactive)} of {len(mine.links)} links up")
    assert not mine.inactive, f"GPU {gpu}: NVLink {', '.join(map(str, mine.inactive))} inactive"
    if declared is not None:
        check.equal(f"GPU {gpu} NVLinks", len(mine.links), declared)


def test_gpu_memory_health(node, gpu, facts, check):
    report = _gpu(facts, gpu)
    problems = []
    if report.volatile_uncorrectable:
        problems.append(f"{report.volatile_uncorrectable} uncorrectable ECC errors since boot")
    if report.pending_page_retirement:
        problems.append("page retirement pending (reboot needed)")
    if report.remapped_rows_pending:
        problems.append("row remapping pending (GPU reset needed)")
    if report.remapped_rows_failure:
        problems.append("row remapping failed (RMA candidate)")
    check.record("; ".join(problems) or "clean", "no uncorrectable ECC, nothing pending")
    assert not problems, f"GPU {gpu} ({report.bus_id}): " + "; ".join(problems)


def test_no_xid_in_dmesg(node, facts, check):
    _needs_gpus(node)
    ignore = set(expect.declared(node, "xid_ignore").value or [])
    events = [x for x in facts.parsed("dmesg-xid", dmesg.parse).xids if x.xid not in ignore]
    buses = {int(g.bus_id.split(":")[-2], 16): g.index for g in _report(facts).gpus if g.bus_id}
    shown = [f"Xid {x.xid} ({x.meaning}) on GPU {buses.get(x.bus, '?')} (PCI:{x.pci}): {x.detail[:80]}" for x in events]
    check.record(len(events), 0)
    assert not events, f"{len(events)} Xid event(s) in dmesg on {node.name}: " + "; ".join(shown[:3])


def test_gpu_persistence_mode(node, gpu, facts, check):
    report = _gpu(facts, gpu)
    check.equal(f"GPU {gpu} persistence mode", report.persistence_mode, expect.declared(node, "gpu_persistence_mode"))


def test_dcgm_diag_passes(node, facts, check):
    _needs_gpus(node)
    result = facts.result("dcgmi-diag")
    if result.not_found:
        pytest.skip(f"dcgmi not installed on {node.name} (DCGM is optional here; layers.md L11 runs it where present)")
    # dcgmi exits non-zero when a test fails; the verdict is in the report, so any exit with output is read.
    results = facts.parsed("dcgmi-diag", dcgmi_diag.parse, allow_rc=tuple(range(256)))
    failed = dcgmi_diag.failures(results)
    check.record(f"{len(results) - len(failed)} of {len(results)} results pass or skip", "no Fail")
    assert not failed, "dcgmi diag: " + "; ".join(f"{r.category}/{r.test} Fail {r.detail}".strip() for r in failed)
