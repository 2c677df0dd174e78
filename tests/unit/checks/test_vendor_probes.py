"""A vendor probe (``Probe.vendor``: an MLNX_OFED/DOCA tool or interface) read with ``facts.get``: missing, it
fails on a DOCA node and skips on an inbox one; ``qos.settings`` falls back to iproute2 dcb only off DOCA."""

from types import SimpleNamespace

import pytest

from bringup.probe.batch import CommandResult
from bringup.probe.prober import ProbeError, ProbeSet
from bringup.probes import Probe, qos

RAIL = SimpleNamespace(name="rail0", netdev="enp24s0np0", rdma_device="mlx5_0")


def _facts(rc, stdout="", stderr="", stack="doca"):
    command = "mlnx_qos -i enp24s0np0"
    return ProbeSet("node05", 8, {"mlnx_qos-rail0": CommandResult(command, rc, stdout, stderr)}, nic_stack=stack)


def test_missing_tool_fails_on_doca():
    with pytest.raises(ProbeError, match="mlnx_qos not installed on node05"):
        _facts(127, stderr="sh: 1: mlnx_qos: not found\n").get(qos.mlnx_qos(RAIL))


@pytest.mark.parametrize("stack", ["inbox", None])
def test_missing_tool_skips_on_inbox(stack):
    with pytest.raises(pytest.skip.Exception, match=f"mlnx_qos not available on node05 and the inventory declares "
                                                    f"nic_stack {stack or 'unset'}"):
        _facts(127, stack=stack).get(qos.mlnx_qos(RAIL))


def test_missing_sysfs_file_fails_on_doca():
    probe = qos.ecn(SimpleNamespace(name="rail0", netdev="x"))
    facts = ProbeSet("node05", 8, {probe.key: CommandResult(
        probe.command, 2, "", "grep: /sys/class/net/x/ecn/roce_np/enable/*: No such file or directory\n")},
        nic_stack="doca")
    with pytest.raises(ProbeError, match=r"ECN sysfs \(ecn/roce_np, roce_rp\) missing on node05 .* No such file"):
        facts.get(probe)


def test_present_tool_is_parsed():
    found = _facts(0, "Priority trust state: dscp\nPFC configuration:\n\tenabled 0 0 0 1 0 0 0 0\n").get(
        qos.mlnx_qos(RAIL))
    assert (found.trust, found.pfc_enabled) == ("dscp", [0, 0, 0, 1, 0, 0, 0, 0])


def test_a_probe_without_parser_is_read_as_a_result():
    with pytest.raises(TypeError, match="probe 'mlnx_qos-rail0' declares no parser"):
        _facts(0, "x\n").get(Probe("mlnx_qos-rail0", "mlnx_qos -i enp24s0np0"))


def _qos_facts(mlnx_rc, stack, pfc="prio-pfc 0:off 1:off 2:off 3:on 4:off 5:off 6:off 7:off \n",
               app="dscp-prio 24:3 25:3 26:3 27:3 28:3 29:3 30:3 31:3 \n"):
    return ProbeSet("node05", 8, {
        "mlnx_qos-rail0": CommandResult("mlnx_qos -i enp24s0np0", mlnx_rc, "", "sh: 1: mlnx_qos: not found\n"),
        "dcb-pfc-rail0": CommandResult("dcb pfc show dev enp24s0np0 prio-pfc", 0, pfc, ""),
        "dcb-app-rail0": CommandResult("dcb -N app show dev enp24s0np0 dscp-prio", 0, app, "")}, nic_stack=stack)


def test_inbox_host_without_mlnx_qos_reads_dcb():
    found = qos.settings(_qos_facts(127, "inbox"), RAIL)
    assert (found.trust, found.prio_of_dscp(26), found.pfc_enabled) == ("dscp", 3, [0, 0, 0, 1, 0, 0, 0, 0])


def test_inbox_host_with_empty_dscp_map_trusts_pcp():
    assert qos.settings(_qos_facts(127, None, app="dscp-prio \n"), RAIL).trust == "pcp"


def test_doca_host_without_mlnx_qos_does_not_fall_back():
    with pytest.raises(ProbeError, match="mlnx_qos not installed on node05"):
        qos.settings(_qos_facts(127, "doca"), RAIL)
