"""Layer 2 judges: firmware, BIOS & PCIe platform (layers.md L2): IOMMU mode, PCIe links, BAR1, MaxReadReq, ACS
on the GPU-NIC path, NIC NV-config, one BIOS fleet-wide.

Pure: each takes parsed facts (bringup.parsers, bringup.probes.platform.NicLink) and expected values
(bringup.expect.Expected) and returns the check's one Verdict; suites/l02_firmware/test_platform.py reads the
facts and records the verdict. The design picks the IOMMU variant (layers.md §3): SR-IOV designs need the
IOMMU on in passthrough mode; bare-metal GPUDirect wants passthrough or no IOMMU.
"""

from __future__ import annotations

from bringup.checks.verdict import Verdict, at_least, equal, fleet_identical, holds
from bringup.expect import Expected
from bringup.parsers import lspci_vvv, mlxconfig

# PCIe base specification: the transfer rate of each generation, in GT/s.
GEN_GTS = {1: 2.5, 2: 5.0, 3: 8.0, 4: 16.0, 5: 32.0, 6: 64.0}
IOMMU_SOURCE = "layers.md L2, §3 IOMMU variant of the design"


def iommu_on(node) -> bool:
    """Whether the node's design needs the IOMMU on: D1 for SR-IOV; on D5 the Kubernetes side does when it
    plans VFs."""
    if node.design.iommu == "per-partition":
        return node.partition == "kubernetes" and any(r.sriov_vfs for r in node.rails)
    return node.design.iommu == "on"


def cmdline_iommu(node: str, design: str, cmd, needs_iommu: bool) -> Verdict:
    """The kernel command line (bringup.parsers.proc_cmdline) asks for the IOMMU mode the design needs."""
    pt = cmd.has("iommu", "pt")
    if needs_iommu:
        on = cmd.has("intel_iommu", "on") or cmd.has("amd_iommu", "on")
        return holds("kernel cmdline IOMMU", on and pt, cmd.raw, "intel_iommu=on|amd_iommu=on + iommu=pt",
                     IOMMU_SOURCE, f"{design} uses SR-IOV: the cmdline needs intel_iommu=on (or amd_iommu=on) and "
                                   f"iommu=pt; {node} has: {cmd.raw}")
    off = cmd.has("iommu", "off") or cmd.has("intel_iommu", "off") or cmd.has("amd_iommu", "off")
    return holds("kernel cmdline IOMMU", pt or off, cmd.raw, "iommu=pt, or the IOMMU off", IOMMU_SOURCE,
                 f"bare-metal GPUDirect ({design}) needs iommu=pt or the IOMMU off "
                 f"(intel_iommu=off/amd_iommu=off); {node} has: {cmd.raw}")


def iommu_state(node: str, design: str, state, needs_iommu: bool) -> Verdict:
    """What the kernel did at boot (bringup.parsers.dmesg: enabled, default domain): a translating IOMMU puts
    every GPUDirect/peer DMA through the IOTLB."""
    measured = f"enabled={state.iommu_enabled}, default domain {state.default_domain}"
    evidence = "; ".join(state.iommu_lines[:4])
    if needs_iommu:
        return holds("IOMMU state", bool(state.iommu_enabled and state.default_domain == "Passthrough"), measured,
                     "enabled, Passthrough", IOMMU_SOURCE,
                     f"{design} needs the IOMMU enabled in passthrough; dmesg on {node}: {evidence}")
    return holds("IOMMU state", state.default_domain == "Passthrough" or not state.iommu_enabled, measured,
                 "Passthrough or disabled", IOMMU_SOURCE,
                 f"the IOMMU translates DMA (default domain {state.default_domain}) on {node}: {evidence}")


def nic_link_full_speed(what: str, link, gen: Expected, width: Expected) -> Verdict:
    """Not downgraded, at the declared generation's rate and width (``link``: bringup.probes.platform.NicLink).
    A downgraded link (a marginal riser, a dirty connector) halves or quarters RDMA bandwidth."""
    measured = f"{link.speed_gts}GT/s x{link.width}{' (downgraded)' if link.downgraded else ''} ({link.source})"
    reference = f"{GEN_GTS[gen.value]}GT/s x{width.value}"
    source = f"{gen.source}, {width.source}"
    if link.downgraded:
        problem = (f"{what} link downgraded: running {link.speed_gts}GT/s x{link.width}, capable of {link.capable} "
                   f"({link.source})")
    elif link.speed_gts != GEN_GTS[gen.value]:
        problem = f"{what}: {link.speed_gts}GT/s, not Gen{gen.value} ({gen.source})"
    elif link.width != width.value:
        problem = f"{what}: x{link.width}, not x{width.value} ({width.source})"
    else:
        problem = ""
    return holds(f"{what} PCIe link", not problem, measured, reference, source, problem)


def _gpu_row(rows: list[dict[str, str]], gpu: int) -> dict[str, str] | None:
    return next((r for r in rows if r["index"] == str(gpu)), None)


def _no_gpu(what: str, rows: list[dict[str, str]], gpu: int) -> Verdict:
    return holds(what, False, None, f"GPU {gpu}", "nvidia-smi --query-gpu",
                 f"nvidia-smi lists no GPU {gpu} (GPUs: {[r['index'] for r in rows]})")


def gpu_link_full_speed(gpu: int, rows: list[dict[str, str]], gen: Expected, width: Expected) -> Verdict:
    """The generation the GPU and slot allow (the running one drops while a GPU idles) and the running width."""
    what = f"GPU {gpu} PCIe link"
    row = _gpu_row(rows, gpu)
    if row is None:
        return _no_gpu(what, rows, gpu)
    measured = f"Gen{row['pcie.link.gen.max']} x{row['pcie.link.width.current']}"
    reference = f"Gen{gen.value} x{width.value}"
    source = f"{gen.source}, {width.source}"
    if int(row["pcie.link.gen.max"]) < gen.value:
        problem = f"GPU {gpu} ({row['pci.bus_id']}): the slot allows only Gen{row['pcie.link.gen.max']} ({gen.source})"
    elif int(row["pcie.link.width.current"]) != width.value:
        problem = (f"GPU {gpu} ({row['pci.bus_id']}) runs x{row['pcie.link.width.current']}, not x{width.value} "
                   f"({width.source})")
    else:
        problem = ""
    return holds(what, not problem, measured, reference, source, problem)


def bar1_maps_all_memory(node: str, gpu: int, report) -> Verdict:
    """layers.md L2 BIOS: Above-4G decoding and Resizable BAR on. The GPU's BAR1 then spans its whole memory
    (H100: 128 GiB BAR1 over 80 GB HBM); with either off the firmware leaves the legacy 256 MiB window, and
    GPUDirect RDMA (which maps GPU memory through BAR1) is starved or fails to register.
    ``report``: bringup.parsers.nvidia_smi_xml.SmiReport."""
    what = f"GPU {gpu} BAR1"
    if gpu >= len(report.gpus):
        return holds(what, False, None, f"GPU {gpu}", "nvidia-smi -q -x",
                     f"nvidia-smi -q -x lists no GPU {gpu} on {node} ({len(report.gpus)} GPUs)")
    row = report.gpus[gpu]
    if row.bar1_total_mib is None or row.fb_total_mib is None:
        return holds(what, False, None, "BAR1 and framebuffer sizes", "nvidia-smi -q -x",
                     f"GPU {gpu} on {node}: nvidia-smi reports no BAR1 or framebuffer size")
    return at_least(f"GPU {gpu} ({row.bus_id}) BAR1", row.bar1_total_mib,
                    Expected(row.fb_total_mib, "its framebuffer size: Above-4G decoding + ReBAR on "
                                               "(layers.md L2 BIOS)"), "MiB")


def _unreadable(node: str, functions: dict, slot: str, what: str) -> Verdict | None:
    """A failing verdict when ``slot`` is not in `lspci -vvv` or its capabilities were not readable (no root)."""
    fn = functions.get(lspci_vvv.normalise_slot(slot))
    if fn is None:
        return holds(what, False, None, slot, "lspci -vvv", f"{what} {slot} is not in `lspci -vvv` on {node}")
    if fn.access_denied:
        return holds(what, False, "<access denied>", slot, "lspci -vvv",
                     f"`lspci -vvv` on {node} ran without root: {slot} capabilities <access denied>")
    return None


def max_read_request(node: str, rail: str, functions: dict, slot: str, expected: Expected) -> Verdict:
    """The NIC's PCIe Max_Read_Request_Size (``functions``: bringup.parsers.lspci_vvv.parse)."""
    what = f"{rail} NIC"
    unreadable = _unreadable(node, functions, slot, what)
    if unreadable:
        return unreadable
    fn = functions[lspci_vvv.normalise_slot(slot)]
    return equal(f"{rail} NIC {fn.slot} MaxReadReq", fn.max_read_req, expected, "bytes")


def acs_off_on_path(node: str, rail: str, nic_slot: str, gpu: int, gpu_rows: list[dict[str, str]] | None,
                    functions: dict) -> Verdict | None:
    """layers.md L2: ACS off on the PCIe switch ports above the rail's NIC and its paired GPU; with ACS
    request/completion redirect on, GPU-NIC peer traffic is forced up through the root complex.
    ``gpu_rows``: `nvidia-smi --query-gpu` rows, None on a node declared without GPUs. None when no switch
    port sits above either device (nothing to judge)."""
    what = f"ACS between GPU {gpu} and {rail} NIC"
    gpu_slot = None
    if gpu_rows is not None:
        row = _gpu_row(gpu_rows, gpu)
        if row is None:
            return _no_gpu(what, gpu_rows, gpu)
        gpu_slot = lspci_vvv.normalise_slot(row["pci.bus_id"])
    if gpu_slot not in functions:
        return holds(what, False, None, "all ACSCtl flags off", "layers.md L2",
                     f"GPU {gpu} of {rail} is not in `lspci -vvv` on {node}")
    ports = {p.slot: p for s in (nic_slot, gpu_slot) for p in lspci_vvv.downstream_ports_above(functions, s)}
    if not ports:
        return None
    on = {slot: sorted(k for k, v in (p.acs_ctl or {}).items() if v) for slot, p in sorted(ports.items())}
    on = {slot: flags for slot, flags in on.items() if flags}
    return holds(what, not on, on or "all ACSCtl flags off", "all ACSCtl flags off", "layers.md L2",
                 f"ACS enabled on the switch ports between GPU {gpu} and {rail} NIC: "
                 + "; ".join(f"{slot} {' '.join(f + '+' for f in flags)}" for slot, flags in on.items())
                 + " (P2P is forced through the root complex)")


def wanted_nv_config(node, rail, base: Expected, passthrough: Expected, sriov: Expected) -> Expected:
    """The NV-config a rail's NIC must hold: the policy's base settings, the passthrough ones where the IOMMU
    is not on, the SR-IOV ones on an SR-IOV design (with the rail's VF count), and the CNP marking the fabric
    declares; the source names each part used."""
    wanted, sources = dict(base.value), [base.source]
    if not iommu_on(node):
        wanted.update(passthrough.value)
        sources.append(passthrough.source)
    if node.design.sriov:
        wanted.update(sriov.value)
        sources.append(sriov.source)
        if rail.sriov_vfs is not None:
            wanted["NUM_OF_VFS"] = rail.sriov_vfs
            sources.append(f"inventory sriov_vfs of {rail.name}")
    fabric = node.fabric
    if fabric.cnp_dscp is not None:
        wanted["CNP_DSCP_P1"] = fabric.cnp_dscp
        sources.append("inventory bringup_fabric.cnp_dscp")
    if fabric.cnp_priority is not None:
        wanted["CNP_802P_PRIO_P1"] = fabric.cnp_priority
        sources.append("inventory bringup_fabric.cnp_priority")
    return Expected(wanted, "; ".join(sources))


def nv_config(rail: str, pci: str, conf, wanted: Expected) -> Verdict:
    """Every wanted parameter at its value in `mlxconfig q` (``conf``: bringup.parsers.mlxconfig.MlxConfig)."""
    wrong = {k: (conf.get(k), v) for k, v in wanted.value.items() if not mlxconfig.same(conf.get(k), v)}
    return holds(f"{rail} NIC NV-config", not wrong, {k: conf.get(k) for k in wanted.value}, wanted.value,
                 wanted.source, f"{rail} NIC {pci} NV-config differs: "
                 + ", ".join(f"{k}={got} (expected {exp})" for k, (got, exp) in wrong.items()))


def bios_version(values: dict[str, str]) -> str | None:
    """bios_version of /sys/class/dmi/id (``values``: bringup.parsers.grep_h under that folder)."""
    return values.get("bios_version")


def bios_identical(node: str, values: dict[str, str], fleet: dict[str, str], declared: Expected | None) -> Verdict:
    """layers.md L2 BIOS row, the part a host can show: one BIOS version across the fleet (the knobs, VT-d,
    Above-4G, ReBAR, power profile, are only visible through vendor tools)."""
    if "bios_version" not in values:
        return holds("BIOS version", False, sorted(values), "bios_version", "/sys/class/dmi/id",
                     f"no bios_version in /sys/class/dmi/id ({sorted(values)})")
    return fleet_identical("BIOS version", node, fleet, declared)
