import pytest

from bringup.parsers import ParseError, kubectl_nodes
from tests.parsers.platform_fixtures import fixture


def test_default_with_cordoned_node():
    nodes = kubectl_nodes.parse(fixture("kubectl_nodes", "default_cordoned.txt"))
    assert [n.name for n in nodes] == ["kubeslave5", "kubeslave6", "kubeslave7", "kubmaster"]
    cordoned, master = nodes[0], nodes[3]
    assert (cordoned.status, cordoned.ready, cordoned.schedulable, cordoned.roles, cordoned.age, cordoned.version) == (
        "Ready,SchedulingDisabled", True, False, (), "21d", "v1.13.4")
    assert (master.roles, master.version, master.internal_ip, master.labels) == (("master",), "v1.13.3", None, None)


def test_not_ready_after_a_prompt_line():
    nodes = kubectl_nodes.parse(fixture("kubectl_nodes", "default_notready.txt"))
    worker2 = nodes[2]
    assert (worker2.name, worker2.status, worker2.ready, worker2.schedulable, worker2.version) == (
        "worker2.vagrant.vm", "NotReady", False, True, "v1.9.1+2.1.5.el7")


def test_wide_columns_with_spaces():
    nodes = kubectl_nodes.parse(fixture("kubectl_nodes", "wide.txt"))
    first, last = nodes[0], nodes[-1]
    assert (first.roles, first.internal_ip, first.external_ip, first.os_image, first.kernel_version,
            first.container_runtime) == (("control-plane",), "10.191.169.219", "10.191.169.219",
                                         "Ubuntu 20.04.2 LTS", "5.4.0-132-generic", "containerd://1.6.6")
    assert (last.name, last.roles, last.internal_ip) == ("k8s-node-580-1669245509", (), "10.191.164.219")


def test_wide_of_kubectl_1_7_without_roles():
    node = kubectl_nodes.parse(fixture("kubectl_nodes", "wide_kubectl17.txt"))[2]
    assert (node.name, node.roles, node.version, node.external_ip, node.os_image, node.kernel_version) == (
        "ip-172-20-48-148.eu-west-1.compute.internal", None, "v1.7.0", "X.X.X.X", "Debian GNU/Linux 8 (jessie)",
        "4.4.65-k8s")


def test_show_labels():
    nodes = kubectl_nodes.parse(fixture("kubectl_nodes", "show_labels.txt"))
    assert nodes[0].labels["kubernetes.io/hostname"] == "kmaster"
    assert nodes[0].labels["node-role.kubernetes.io/control-plane"] == ""
    assert len(nodes[0].labels) == 7
    assert nodes[2].labels == {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                               "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": "kworker2",
                               "kubernetes.io/os": "linux"}


def test_header_without_rows_raises():
    text = fixture("kubectl_nodes", "wide.txt")
    with pytest.raises(ParseError, match=r"`kubectl get nodes` header without rows \(output truncated\)"):
        kubectl_nodes.parse(text[: text.index("k8s-control-204")])


def test_row_cut_midway_raises():
    text = fixture("kubectl_nodes", "wide.txt")
    cut = text[: text.index("   Ubuntu 20.04.2 LTS")] + "\n"  # the first row, cut before OS-IMAGE
    with pytest.raises(ParseError, match=r"no OS-IMAGE value at column 105 \(row cut, or not aligned with the header\)"):
        kubectl_nodes.parse(cut)
    with pytest.raises(ParseError, match="output ends mid-line"):
        kubectl_nodes.parse(text.rstrip("\n")[:-3])


def test_bad_status_and_label_raise():
    text = fixture("kubectl_nodes", "default_cordoned.txt").replace("Ready,SchedulingDisabled", "Ready,Sched1lingDisabled")
    with pytest.raises(ParseError, match="line 2: STATUS 'Ready,Sched1lingDisabled' is not Ready/NotReady/Unknown"):
        kubectl_nodes.parse(text)
    text = fixture("kubectl_nodes", "show_labels.txt").replace("kubernetes.io/os=linux,node-role", "kubernetes.io/os,node-role")
    with pytest.raises(ParseError, match="line 2: label 'kubernetes.io/os' is not key=value"):
        kubectl_nodes.parse(text)


def test_other_output_raises():
    with pytest.raises(ParseError, match="line 1 comes before the `kubectl get nodes` header"):
        kubectl_nodes.parse("The connection to the server localhost:8080 was refused\n")
    with pytest.raises(ParseError, match="header column.s. READY, RESTARTS are not `kubectl get nodes` ones"):
        kubectl_nodes.parse("NAME   STATUS   READY   RESTARTS   AGE\n")
