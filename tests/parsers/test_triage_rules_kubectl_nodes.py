from bringup.parsers import kubectl_nodes
from bringup.triage.model import Context, Finding
from bringup.triage.rules import kubectl_nodes as rule
from tests.parsers.platform_fixtures import fixture


def test_detects_node_tables_and_not_pods():
    assert rule.detect(fixture("kubectl_nodes", "wide.txt"))
    assert rule.detect(fixture("kubectl_nodes", "wide_kubectl17.txt"))
    assert not rule.detect("NAME                    READY   STATUS    RESTARTS   AGE\n")


def test_ready_nodes_are_info():
    found = rule.findings(kubectl_nodes.parse(fixture("kubectl_nodes", "show_labels.txt")), Context())
    assert found == [Finding("info", name, "Ready, kubelet v1.24.0") for name in ("kmaster", "kworker1", "kworker2")]


def test_not_ready_node_fails():
    found = rule.findings(kubectl_nodes.parse(fixture("kubectl_nodes", "default_notready.txt")), Context())
    assert [f.severity for f in found] == ["info", "info", "fail"]
    assert found[2] == Finding("fail", "worker2.vagrant.vm", "NotReady: the kubelet does not report Ready")


def test_cordoned_node_warns():
    found = rule.findings(kubectl_nodes.parse(fixture("kubectl_nodes", "default_cordoned.txt")), Context())
    assert found[0] == Finding("warn", "kubeslave5", "Ready,SchedulingDisabled: cordoned, no new pods are scheduled on it")
    assert [f.severity for f in found[1:]] == ["info", "info", "info"]
