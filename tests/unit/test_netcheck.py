"""network.vendor_output: a missing MLNX_OFED/DOCA interface fails on a DOCA node and skips on an inbox one."""

from types import SimpleNamespace

import pytest

from bringup.checks import network
from bringup.parsers import mlnx_qos
from bringup.probe.batch import CommandResult
from bringup.probe.prober import ProbeError, ProbeSet


def _facts(rc, stdout="", stderr=""):
    command = "mlnx_qos -i enp24s0np0"
    return ProbeSet("node05", 8, {"mlnx_qos-rail0": CommandResult(command, rc, stdout, stderr)})


def _node(stack):
    return SimpleNamespace(name="node05", nic_stack=stack)


def test_missing_tool_fails_on_doca():
    with pytest.raises(ProbeError, match="mlnx_qos not installed on node05"):
        network.vendor_output(_facts(127, stderr="sh: 1: mlnx_qos: not found\n"), _node("doca"), "mlnx_qos-rail0",
                               mlnx_qos.parse, "mlnx_qos")


@pytest.mark.parametrize("stack", ["inbox", None])
def test_missing_tool_skips_on_inbox(stack):
    with pytest.raises(pytest.skip.Exception, match=f"nic_stack {stack or 'unset'}"):
        network.vendor_output(_facts(127), _node(stack), "mlnx_qos-rail0", mlnx_qos.parse, "mlnx_qos")


def test_missing_sysfs_file_fails_on_doca():
    facts = ProbeSet("node05", 8, {"ecn-rail0": CommandResult(
        "grep -H . /sys/class/net/x/ecn/roce_np/enable/*", 2, "",
        "grep: /sys/class/net/x/ecn/roce_np/enable/*: No such file or directory\n")})
    with pytest.raises(ProbeError, match="ECN sysfs missing on node05 .* No such file or directory"):
        network.vendor_output(facts, _node("doca"), "ecn-rail0", lambda t: t, "ECN sysfs")


def test_present_tool_is_parsed():
    qos = network.vendor_output(_facts(0, "Priority trust state: dscp\nPFC configuration:\n"
                                           "\tenabled 0 0 0 1 0 0 0 0\n"), _node("doca"), "mlnx_qos-rail0",
                                 mlnx_qos.parse, "mlnx_qos")
    assert (qos.trust, qos.pfc_enabled) == ("dscp", [0, 0, 0, 1, 0, 0, 0, 0])


def _rail():
    return SimpleNamespace(name="rail0", netdev="enp24s0np0")


def _qos_facts(mlnx_rc, pfc="prio-pfc 0:off 1:off 2:off 3:on 4:off 5:off 6:off 7:off \n",
               app="dscp-prio 24:3 25:3 26:3 27:3 28:3 29:3 30:3 31:3 \n"):
    return ProbeSet("node05", 8, {
        "mlnx_qos-rail0": CommandResult("mlnx_qos -i enp24s0np0", mlnx_rc, "", "sh: 1: mlnx_qos: not found\n"),
        "dcb-pfc-rail0": CommandResult("dcb pfc show dev enp24s0np0 prio-pfc", 0, pfc, ""),
        "dcb-app-rail0": CommandResult("dcb -N app show dev enp24s0np0 dscp-prio", 0, app, "")})


def test_inbox_host_without_mlnx_qos_reads_dcb():
    qos = network.qos_settings(_qos_facts(127), _node("inbox"), _rail())
    assert (qos.trust, qos.prio_of_dscp(26), qos.pfc_enabled) == ("dscp", 3, [0, 0, 0, 1, 0, 0, 0, 0])


def test_inbox_host_with_empty_dscp_map_trusts_pcp():
    assert network.qos_settings(_qos_facts(127, app="dscp-prio \n"), _node(None), _rail()).trust == "pcp"


def test_doca_host_without_mlnx_qos_does_not_fall_back():
    with pytest.raises(ProbeError, match="mlnx_qos not installed on node05"):
        network.qos_settings(_qos_facts(127), _node("doca"), _rail())
