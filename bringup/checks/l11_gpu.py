"""Layer 11 judges: the GPU stack of one node or one GPU (layers.md L11).

Pure: each takes parsed facts (bringup.parsers: ``nvidia-smi -q -x``, ``nvidia-smi nvlink -s``, ``dmesg``,
``dcgmi diag``) and expected values (bringup.expect.Expected) and returns the check's one Verdict, or
:class:`NotApplicable` where the hardware has nothing to judge (a PCIe board has no NVLink); the suites
(suites/l11_gpu/) read the facts, skip with that reason, or record the verdict. The kernel-log classes beyond
Xid keep their words in bringup/kernel_events.py, which ``bringup triage`` prints too.
"""

from __future__ import annotations


from bringup import kernel_events
from bringup.checks.verdict import NotApplicable, Verdict, decisive, equal, holds
from bringup.expect import Expected
from bringup.parsers import dcgmi_diag
from bringup.parsers.dmesg import Dmesg
from bringup.parsers.nvidia_smi_xml import GpuReport, SmiReport

# layers.md L11: the rule a check without a configurable value is held to.
L11 = "layers.md L11"


def _gpu(report: SmiReport, gpu: int, what: str) -> GpuReport | Verdict:
    """GPU ``gpu`` of the report, or the failure of a GPU the inventory declares and the driver does not see."""
    if gpu < len(report.gpus):
        return report.gpus[gpu]
    return holds(what, False, f"{len(report.gpus)} GPUs", f"GPU {gpu}", "inventory bringup_hardware.gpus",
                 f"nvidia-smi reports {len(report.gpus)} GPUs, no GPU {gpu}")


def fabric_completed(node: str, gpu: int, report: SmiReport, state: Expected,
                     status: Expected) -> Verdict | NotApplicable:
    """HGX: the NVSwitch fabric reports "State: Completed, Status: Success" per GPU; until it does, the GPU
    cannot use NVLink to its peers (NVIDIA Fabric Manager user guide, "GPU fabric registration")."""
    what = f"GPU {gpu} NVSwitch fabric (state/status)"
    found = _gpu(report, gpu, what)
    if isinstance(found, Verdict):
        return found
    if found.fabric_state is None:
        return NotApplicable(f"GPU {gpu} on {node} reports no NVSwitch fabric (driver < 525 or no NVSwitch board)")
    ok = (found.fabric_state, found.fabric_status) == (state.value, status.value)
    source = state.source if state.source == status.source else f"{state.source}, {status.source}"
    return holds(what, ok, f"{found.fabric_state}/{found.fabric_status}", f"{state.value}/{status.value}", source,
                 f"GPU {gpu} ({found.bus_id}) fabric State {found.fabric_state}, Status {found.fabric_status} "
                 f"({state.source})")


def nvswitch_fabric(report: SmiReport) -> bool:
    """Whether any GPU reports an NVSwitch fabric: only then is there a Fabric Manager to run."""
    return any(g.fabric_state is not None for g in report.gpus)


def nvlink_all_up(node: str, gpu: int, links: dict, declared: Expected | None) -> Verdict | NotApplicable:
    """Every NVLink of the GPU active, and as many as the inventory declares (``nvlinks_per_gpu``)."""
    what = f"GPU {gpu} NVLinks"
    if not links:  # driver 580 prints nothing when no GPU exposes NVLink (PCIe board, or NVLink hidden from a VM)
        if declared is not None and declared.value:
            return holds(what, False, 0, declared.value, declared.source,
                         f"`nvidia-smi nvlink -s` on {node} reports no NVLink; {declared.source} expects "
                         f"{declared.value} per GPU")
        return NotApplicable(f"`nvidia-smi nvlink -s` on {node} reports no NVLink (PCIe board or VM)")
    if gpu not in links:
        return holds(what, False, f"GPUs {sorted(links)}", f"GPU {gpu}", "inventory bringup_hardware.gpus",
                     f"`nvidia-smi nvlink -s` on {node} lists no GPU {gpu}")
    mine = links[gpu]
    if not mine.links:
        return NotApplicable(f"GPU {gpu} on {node} has no NVLink (PCIe board)")
    up = holds(f"GPU {gpu} NVLinks up", not mine.inactive,
               f"{len(mine.links) - len(mine.inactive)} of {len(mine.links)} links up", "all links up", L11,
               f"GPU {gpu}: NVLink {', '.join(map(str, mine.inactive))} inactive")
    return up if declared is None else decisive(up, equal(what, len(mine.links), declared))


def memory_healthy(gpu: int, report: SmiReport) -> Verdict:
    """layers.md L11 memory health: no uncorrectable ECC error since boot, no page retirement or row remapping
    waiting for a reset, no failed remap (NVIDIA "GPU Memory Error Management": a failed remap is an RMA)."""
    what = f"GPU {gpu} memory health"
    found = _gpu(report, gpu, what)
    if isinstance(found, Verdict):
        return found
    problems = []
    if found.volatile_uncorrectable:
        problems.append(f"{found.volatile_uncorrectable} uncorrectable ECC errors since boot")
    if found.pending_page_retirement:
        problems.append("page retirement pending (reboot needed)")
    if found.remapped_rows_pending:
        problems.append("row remapping pending (GPU reset needed)")
    if found.remapped_rows_failure:
        problems.append("row remapping failed (RMA candidate)")
    return holds(what, not problems, "; ".join(problems) or "clean", "no uncorrectable ECC, nothing pending", L11,
                 f"GPU {gpu} ({found.bus_id}): " + "; ".join(problems))


def persistence_mode(gpu: int, report: SmiReport, wanted: Expected) -> Verdict:
    what = f"GPU {gpu} persistence mode"
    found = _gpu(report, gpu, what)
    return found if isinstance(found, Verdict) else equal(what, found.persistence_mode, wanted)


def _gpus_by_bus(report: SmiReport) -> dict[int, int]:
    """GPU index by PCI bus number (an Xid names domain:bus:device only): 00000000:5E:00.0 -> 0x5e."""
    return {int(g.bus_id.split(":")[-2], 16): g.index for g in report.gpus if g.bus_id}


def no_xid(node: str, log: Dmesg, report: SmiReport, ignore: Expected) -> Verdict:
    """layers.md L11 "no XIDs": every Xid the driver logged since boot, less those the site ignores."""
    ignored = set(ignore.value or [])
    events = [x for x in log.xids if x.xid not in ignored]
    buses = _gpus_by_bus(report)
    shown = [f"Xid {x.xid} ({x.meaning}) on GPU {buses.get(x.bus, '?')} (PCI:{x.pci}): {x.detail[:80]}"
             for x in events]
    return holds("NVIDIA Xid events in dmesg", not events, len(events), 0, ignore.source,
                 f"{len(events)} Xid event(s) in dmesg on {node}: " + "; ".join(shown[:3]))


def dcgm_diag_passes(results: list[dcgmi_diag.DiagResult]) -> Verdict:
    """layers.md L11 DCGM diagnostics: no result Fail (Skip is a test the GPU or the level does not run)."""
    failed = dcgmi_diag.failures(results)
    return holds("dcgmi diag", not failed, f"{len(results) - len(failed)} of {len(results)} results pass or skip",
                 "no Fail", L11,
                 "dcgmi diag: " + "; ".join(f"{r.category}/{r.test} Fail {r.detail}".strip() for r in failed))


def device_names(report: SmiReport, rails) -> kernel_events.Devices:
    """What the node calls the PCI functions the kernel log names: its GPUs (by bus) and its rail NICs."""
    gpus = {bus: f"GPU {index}" for bus, index in _gpus_by_bus(report).items()}
    nics = {(r.pci if r.pci.count(":") == 2 else f"0000:{r.pci}").lower(): f"{r.name} ({r.netdev})"
            for r in rails if r.pci}
    return kernel_events.Devices(gpus, nics)


def kernel_log_clean(node: str, log: Dmesg, kind: str, devices: kernel_events.Devices, xid_ignore: Expected,
                     aer_corrected_max: Expected) -> Verdict:
    """No event of class ``kind`` (a key of kernel_events.CLASSES) in the kernel log, within the policy's
    limits; the words per event are kernel_events', so the suite and ``bringup triage`` say the same thing."""
    limits = kernel_events.limits_from({"xid_ignore": xid_ignore.value,
                                        "aer_corrected_max": aer_corrected_max.value})
    found = kernel_events.problems(log, kind, devices, limits)
    source = {"xid": xid_ignore.source, "aer": aer_corrected_max.source}.get(kind, L11)
    return holds(f"{kernel_events.CLASSES[kind]} events in dmesg", not found, len(found), 0, source,
                 f"{len(found)} {kernel_events.CLASSES[kind]} event(s) in dmesg on {node}: " + "; ".join(found[:3]))
