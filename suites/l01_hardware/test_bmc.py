"""L1 BMC health (layers.md L1): no critical sensors; no new SEL entries during burn-in.

Both read the BMC in-band with ipmitool through the OpenIPMI driver. A node declared with
``bringup_hardware.bmc: false`` skips; otherwise a missing ipmitool or IPMI device is a failure, because a
server without a reachable BMC cannot be watched for the thermal and power events this row exists for.
"""

import pytest

from bringup import expect
from bringup.checks import l01_hardware as judge
from bringup.probes import hardware


def _unreachable(node, facts, probe):
    """Skip a node declared without a BMC; a failing verdict where ipmitool cannot reach one, else None."""
    if node.hardware.bmc is False:
        pytest.skip(f"inventory declares no BMC for {node.name}")
    return judge.bmc_unreachable(node.name, facts.result(probe.key), node.hardware.bmc)


def test_bmc_no_critical_sensors(node, facts, check):
    """layers.md L1 `ipmitool sdr elist | grep -v ok`: no sensor past a critical or non-recoverable
    threshold. Non-critical ones (lnc/unc) are recorded in the measured value but do not fail."""
    check(_unreachable(node, facts, hardware.IPMI_SDR)
          or judge.no_critical_sensors(node.name, facts.get(hardware.IPMI_SDR)))


def test_bmc_sel_no_new_entries(node, facts, check):
    """layers.md L1 `ipmitool sel elist`: no SEL record newer than the baseline (default: none may exist,
    i.e. the SEL was cleared when burn-in began; the BMC's own "Log area reset/cleared" record is allowed)."""
    check(_unreachable(node, facts, hardware.IPMI_SEL)
          or judge.sel_no_new_entries(node.name, facts.get(hardware.IPMI_SEL),
                                      expect.declared(node, "bmc_sel_baseline_id")))
