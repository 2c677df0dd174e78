"""Layer 1 judges: hardware inventory against the declared profile, and BMC health (layers.md L1).

Pure: each takes parsed facts (bringup.parsers) and expected values (bringup.expect.Expected) and returns the
check's one Verdict; suites/l01_hardware/test_hardware.py and test_bmc.py read the facts and record it.
layers.md L1: counts = BOM, one VBIOS per SKU and one NIC firmware fleet-wide; where the profile leaves a value
out, the fleet majority is the expectation and the odd nodes fail by name.
"""

from __future__ import annotations

from typing import Any

from bringup.checks.verdict import Verdict, at_least, decisive, equal, fleet_identical, holds
from bringup.expect import Expected
from bringup.parsers import ipmitool_sel

GIB = 1024**3
# What ipmitool's open interface prints when no IPMI device node exists (ipmi_devintf not loaded, or no BMC).
NO_DEVICE = "Could not open device at /dev/ipmi0"
BMC_SOURCE = "layers.md L1 BMC health"


def memory_gib(meminfo: dict[str, int]) -> int:
    """MemTotal of /proc/meminfo (parsed to bytes), rounded to whole GiB."""
    return round(meminfo["MemTotal"] / GIB)


def cpu_count(node: str, counts: dict[str, int], declared: Expected | None) -> Verdict:
    return fleet_identical("logical CPUs", node, counts, declared)


def memory(node: str, total_gib: int, declared: Expected | None, fleet: dict[str, int] | None) -> Verdict:
    """At least the declared size: MemTotal excludes firmware/kernel reservations, so it reads a little under
    the installed size. Undeclared: the fleet majority (``fleet``, {node: GiB})."""
    if declared is not None:
        return at_least("memory", total_gib, declared, "GiB")
    return fleet_identical("memory (GiB)", node, fleet or {node: total_gib}, None)


def gpu_count(on_pci: int, seen_by_smi: int, expected: Expected) -> Verdict:
    """The declared count on the PCI bus first (a GPU fallen off the bus), then as the driver sees it."""
    return decisive(equal("GPUs on the PCI bus", on_pci, expected),
                    equal("GPUs seen by nvidia-smi", seen_by_smi, expected))


def gpu_models(rows: list[dict[str, str]], expected: Expected) -> Verdict:
    models = sorted({row["name"] for row in rows})
    return equal("GPU models", models, Expected([expected.value], expected.source))


def vbios_per_sku(rows: list[dict[str, str]]) -> tuple[tuple[str, str], ...]:
    """The (model, VBIOS) pairs of a node's GPUs: what must be identical across the fleet."""
    return tuple(sorted({(r["name"], r["vbios_version"]) for r in rows}))


def vbios_identical(node: str, values: dict[str, Any], declared: Expected | None) -> Verdict:
    return fleet_identical("GPU VBIOS per SKU", node, values, declared)


def _row(rows: list[dict[str, str]], gpu: int) -> dict[str, str] | None:
    return {int(row["index"]): row for row in rows}.get(gpu)


def _missing(what: str, rows: list[dict[str, str]], gpu: int) -> Verdict:
    indices = sorted(int(row["index"]) for row in rows)
    return holds(what, False, None, f"GPU {gpu}", "nvidia-smi --query-gpu",
                 f"nvidia-smi lists no GPU {gpu} (indices: {indices})")


def power_limit(gpu: int, rows: list[dict[str, str]], declared: Expected | None) -> Verdict:
    """layers.md L1: power limit = SKU default (700 W on H100 SXM). The GPU reports its own default, so a
    capped GPU fails without a wattage in code; a site that caps on purpose declares gpu_power_limit_w."""
    what = f"GPU {gpu} power limit"
    row = _row(rows, gpu)
    if row is None:
        return _missing(what, rows, gpu)
    wanted = declared or Expected(float(row["power.default_limit"]), f"GPU {gpu}'s own power.default_limit")
    return equal(what, float(row["power.limit"]), Expected(float(wanted.value), wanted.source), "W")


def no_hw_slowdown(node: str, gpu: int, rows: list[dict[str, str]]) -> Verdict:
    """layers.md L1: no HW slowdown active (thermal or power-brake throttling, nvidia-smi clocks reasons)."""
    what = f"GPU {gpu} HW slowdown"
    row = _row(rows, gpu)
    if row is None:
        return _missing(what, rows, gpu)
    state = row["clocks_throttle_reasons.hw_slowdown"]
    return holds(what, state == "Not Active", state, "Not Active", "layers.md L1",
                 f"GPU {gpu} on {node}: HW slowdown {state} (thermal or power brake)")


def nic_count(found: int, ids: str, expected: Expected) -> Verdict:
    """Physical functions of the declared vendor (and device) id; SR-IOV VFs are not NICs of the BOM."""
    return equal(f"backend NIC functions ({ids}, VFs excluded)", found, expected)


def firmware_of(info) -> str:
    """"28.42.1000 (MT_0000000838)": firmware and PSID of ``ethtool -i`` (bringup.parsers.ethtool_driver)."""
    return f"{info.firmware} ({info.psid})"


def nic_firmware_identical(rail: str, node: str, values: dict[str, str], declared: Expected | None) -> Verdict:
    """layers.md L1: one NIC firmware (and PSID) fleet-wide, compared rail by rail across nodes."""
    return fleet_identical(f"{rail} NIC firmware", node, values, declared)


def bmc_unreachable(node: str, result, bmc_declared: bool | None) -> Verdict | None:
    """A failing verdict when ipmitool is missing or finds no IPMI device (``result``: the probe's
    CommandResult), else None. A server without a reachable BMC cannot be watched for the thermal and power
    events L1's BMC row exists for, so this fails rather than skips (a node declared without one is skipped
    before it gets here)."""
    what = "BMC reachable in-band"
    if result.not_found:
        return holds(what, False, "rc 127", "ipmitool and /dev/ipmi0", BMC_SOURCE,
                     f"ipmitool not installed on {node} (`{result.command}`: rc 127)")
    text = f"{result.stderr}\n{result.stdout}"
    if result.rc != 0 and NO_DEVICE in text:
        line = next(line.strip() for line in text.splitlines() if NO_DEVICE in line)
        hint = "" if bmc_declared else "; declare bringup_hardware.bmc: false if it has none"
        return holds(what, False, line, "ipmitool and /dev/ipmi0", BMC_SOURCE,
                     f"no IPMI device on {node}: `{result.command}`: {line}{hint}")
    return None


def no_critical_sensors(node: str, sensors) -> Verdict:
    """layers.md L1 `ipmitool sdr elist | grep -v ok`: no sensor past a critical or non-recoverable threshold.
    Non-critical ones (lnc/unc) are shown in the measured value but do not fail."""
    critical = [s for s in sensors if s.critical]
    noted = [f"{s.name} {s.status} ({s.reading})" for s in sensors if s.critical or s.non_critical]
    return holds("BMC sensors", not critical, "; ".join(noted) or f"{len(sensors)} sensors ok",
                 "no critical or non-recoverable sensor", BMC_SOURCE,
                 f"{len(critical)} critical BMC sensor(s) on {node}: "
                 + "; ".join(f"{s.name} {s.status}, reading {s.reading or 'none'}" for s in critical))


def sel_baseline(node: str, declared: Expected | None) -> tuple[int | None, str]:
    """``bringup_expect.bmc_sel_baseline_id``: the last SEL record id acknowledged before burn-in, as ipmitool
    prints it ("1a", a hex string) or a YAML int (0x1a); a mapping {node: id} declares several nodes at once.
    ValueError when it is not a record id."""
    value = declared.value if declared else None
    if isinstance(value, dict):
        value = value.get(node)
    if value is None:
        return None, "none declared, so every record is new"
    try:
        record_id = value if isinstance(value, int) else int(str(value), 16)
    except ValueError:
        raise ValueError(f"{declared.source} is {value!r}: not a SEL record id (hex, as ipmitool prints it)") from None
    return record_id, f"baseline record {record_id:x} ({declared.source})"


def sel_no_new_entries(node: str, entries, declared: Expected | None) -> Verdict:
    """layers.md L1 `ipmitool sel elist`: no SEL record newer than the baseline (default: none may exist, i.e.
    the SEL was cleared when burn-in began; the BMC's own "Log area reset/cleared" record is allowed)."""
    what = "BMC SEL"
    try:
        baseline, source = sel_baseline(node, declared)
    except ValueError as exc:
        return holds(what, False, declared.value, "a SEL record id", declared.source, str(exc))
    new = ipmitool_sel.entries_after(entries, baseline)
    measured = f"{len(new)} new of {len(entries)} SEL records"
    if new and baseline is not None and all(e.record_id != baseline for e in entries):
        source += ", which is no longer in the SEL (cleared or wrapped since?)"
    return holds(what, not new, measured, "no new SEL record", source,
                 f"{len(new)} new SEL record(s) on {node} ({source}): "
                 + "; ".join(str(e) for e in new[:5]) + (" ..." if len(new) > 5 else ""))
