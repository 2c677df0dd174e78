"""L1 BMC health (layers.md L1): no critical sensors; no new SEL entries during burn-in.

Both read the BMC in-band with ipmitool through the OpenIPMI driver. A node declared with
``bringup_hardware.bmc: false`` skips; otherwise a missing ipmitool or IPMI device is a failure, because a
server without a reachable BMC cannot be watched for the thermal and power events this row exists for.
"""

import pytest

from bringup import expect
from bringup.parsers import ipmitool_sdr, ipmitool_sel

# What ipmitool's open interface prints when no IPMI device node exists (ipmi_devintf not loaded, or no BMC).
NO_DEVICE = "Could not open device at /dev/ipmi0"


def _bmc_output(node, facts, key: str) -> None:
    """Skip a node declared without a BMC; fail, by name, a node where ipmitool cannot reach one."""
    if node.hardware.bmc is False:
        pytest.skip(f"inventory declares no BMC for {node.name}")
    result = facts.result(key)
    if result.not_found:
        pytest.fail(f"ipmitool not installed on {node.name} (`{result.command}`: rc 127)")
    text = f"{result.stderr}\n{result.stdout}"
    if result.rc != 0 and NO_DEVICE in text:
        line = next(line.strip() for line in text.splitlines() if NO_DEVICE in line)
        hint = "" if node.hardware.bmc else "; declare bringup_hardware.bmc: false if it has none"
        pytest.fail(f"no IPMI device on {node.name}: `{result.command}`: {line}{hint}")


def test_bmc_no_critical_sensors(node, facts, check):
    """layers.md L1 `ipmitool sdr elist | grep -v ok`: no sensor past a critical or non-recoverable
    threshold. Non-critical ones (lnc/unc) are recorded in the measured value but do not fail."""
    _bmc_output(node, facts, "ipmi-sdr")
    sensors = facts.parsed("ipmi-sdr", ipmitool_sdr.parse)
    critical = [s for s in sensors if s.critical]
    noted = [f"{s.name} {s.status} ({s.reading})" for s in sensors if s.critical or s.non_critical]
    check.record("; ".join(noted) or f"{len(sensors)} sensors ok", "no critical or non-recoverable sensor")
    assert not critical, (f"{len(critical)} critical BMC sensor(s) on {node.name}: "
                          + "; ".join(f"{s.name} {s.status}, reading {s.reading or 'none'}" for s in critical))


def _baseline(node) -> tuple[int | None, str]:
    """``bringup_expect.bmc_sel_baseline_id``: the last SEL record id acknowledged before burn-in, as ipmitool
    prints it ("1a", a hex string) or a YAML int (0x1a); a mapping {node: id} declares several nodes at once."""
    declared = expect.declared(node, "bmc_sel_baseline_id")
    value = declared.value if declared else None
    if isinstance(value, dict):
        value = value.get(node.name)
    if value is None:
        return None, "none declared, so every record is new"
    try:
        record_id = value if isinstance(value, int) else int(str(value), 16)
    except ValueError:
        pytest.fail(f"{declared.source} is {value!r}: not a SEL record id (hex, as ipmitool prints it)")
    return record_id, f"baseline record {record_id:x} ({declared.source})"


def test_bmc_sel_no_new_entries(node, facts, check):
    """layers.md L1 `ipmitool sel elist`: no SEL record newer than the baseline (default: none may exist,
    i.e. the SEL was cleared when burn-in began; the BMC's own "Log area reset/cleared" record is allowed)."""
    _bmc_output(node, facts, "ipmi-sel")
    entries = facts.parsed("ipmi-sel", ipmitool_sel.parse)
    baseline, source = _baseline(node)
    new = ipmitool_sel.entries_after(entries, baseline)
    check.record(f"{len(new)} new of {len(entries)} SEL records", source)
    if new and baseline is not None and all(e.record_id != baseline for e in entries):
        source += ", which is no longer in the SEL (cleared or wrapped since?)"
    assert not new, (f"{len(new)} new SEL record(s) on {node.name} ({source}): "
                     + "; ".join(str(e) for e in new[:5]) + (" ..." if len(new) > 5 else ""))
