"""The four kubectl parsers of the L10 SR-IOV operator rows, on fixtures in the operator's CR format
(tests/fixtures/kubectl_sriov/README.md), and the operator's own selection rules."""

import json
import subprocess
import sys

import pytest

from bringup.parsers import (ParseError, kubectl_node, kubectl_nodestates, kubectl_policies, kubectl_poolconfigs,
                             registry)
from tests.parsers.platform_fixtures import FIXTURES, cut, fixture

F = "kubectl_sriov"
SRIOV_LABELS = {"feature.node.kubernetes.io/network-sriov.capable": "true", "node-role.kubernetes.io/worker": ""}


def test_nodestates_sync_status_and_error():
    states = kubectl_nodestates.parse(fixture(F, "nodestates.json"))
    assert list(states) == ["gpu-b01", "gpu-b02", "gpu-b03"]
    assert states["gpu-b01"] == kubectl_nodestates.NodeState("gpu-b01", "Succeeded", None, "exclusive",
                                                             {"ens1f0np0": 4})
    assert states["gpu-b02"].sync_status == "InProgress" and states["gpu-b02"].vfs == {"ens1f0np0": 0}
    assert states["gpu-b03"].last_sync_error == "failed to set numVfs 4 on 0000:17:00.0: device or resource busy"


def test_no_nodestates_is_an_empty_list():
    assert kubectl_nodestates.parse(fixture(F, "nodestates_empty.json")) == {}


def test_policies_fields_and_defaults():
    policies = {p.name: p for p in kubectl_policies.parse(fixture(F, "policies.json"))}
    rail0 = policies["rail0-rdma"]
    assert (rail0.device_type, rail0.is_rdma, rail0.link_type, rail0.num_vfs, rail0.priority, rail0.resource_name) \
        == ("netdevice", True, "eth", 4, 90, "rail0_rdma")
    assert rail0.nic.pf_names == ("ens1f0np0",)  # the "#0-3" VF range is not part of the name
    override = policies["rail0-lab-override"]
    assert (override.is_rdma, override.link_type, override.priority) == (False, "ETH", 10)  # omitempty -> false
    assert policies["default"].nic.empty and policies["default"].priority == 0


def test_policy_selection_follows_the_operator():
    policies = kubectl_policies.parse(fixture(F, "policies.json"))
    applied, selecting = kubectl_policies.effective(policies, SRIOV_LABELS, "ens1f0np0", "17:00.0", "15b3", "1021")
    assert applied.name == "rail0-rdma" and [p.name for p in selecting] == ["rail0-rdma"]
    # Another PF, another address: rootDevices and pfNames rule it out; the empty "default" selects nothing.
    assert kubectl_policies.effective(policies, SRIOV_LABELS, "ens2f0np0", "0000:2a:00.0", "15b3", "1021") == (None, [])
    # A lab node carries both labels: priority 10 beats 90 (lower number wins), both are reported.
    lab = {**SRIOV_LABELS, "bringup.example/lab": "true"}
    applied, selecting = kubectl_policies.effective(policies, lab, "ens1f0np0", "0000:17:00.0", "15b3", "1021")
    assert applied.name == "rail0-lab-override" and {p.name for p in selecting} == {"rail0-rdma", "rail0-lab-override"}
    # vendor/deviceID-only: every CX-7 PF of a DPDK node, none of another vendor's.
    dpdk = {"node-role.kubernetes.io/dpdk": ""}
    assert kubectl_policies.effective(policies, dpdk, "ens9", None, "15b3", "1021")[0].name == "all-cx7-dpdk"
    assert kubectl_policies.effective(policies, dpdk, "ens9", None, "8086", "1592") == (None, [])


def test_poolconfigs_label_selectors():
    pools = {p.name: p for p in kubectl_poolconfigs.parse(fixture(F, "poolconfigs.json"))}
    h100 = {**SRIOV_LABELS, "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3"}
    assert pools["rdma-workers"].rdma_mode == "exclusive" and pools["rdma-workers"].selects(h100)
    assert not pools["rdma-workers"].selects({**h100, "bringup.example/lab": "true"})  # DoesNotExist
    assert not pools["rdma-workers"].selects({**h100, "nvidia.com/gpu.product": "NVIDIA-A100"})  # In
    assert pools["lab"].rdma_mode == "shared" and pools["lab"].selects({"bringup.example/lab": "true"})
    assert pools["unassigned"].selector is None and not pools["unassigned"].selects(h100)


def test_node_allocatable_and_labels():
    node = kubectl_node.parse(fixture(F, "node.json"))
    assert node.name == "gpu-b01" and node.ready is True
    assert node.count("openshift.io/rail0_rdma") == 4 and node.count("nvidia.com/sriov_rail0") is None
    assert node.labels["feature.node.kubernetes.io/network-sriov.capable"] == "true"


@pytest.mark.parametrize("module, name", [(kubectl_nodestates, "nodestates.json"), (kubectl_policies, "policies.json"),
                                          (kubectl_poolconfigs, "poolconfigs.json"), (kubectl_node, "node.json")])
def test_truncated_json_names_the_position(module, name):
    text = cut(fixture(F, name), 0.4)
    with pytest.raises(ParseError, match=r"JSON broken at line \d+ column \d+ \(offset \d+\)"):
        module.parse(text)


def test_wrong_kind_and_garbage_are_errors():
    with pytest.raises(ParseError, match="printed a 'Node', not a list of SriovNetworkNodePolicy"):
        kubectl_policies.parse(fixture(F, "node.json"))
    with pytest.raises(ParseError, match="item 0 is a 'SriovNetworkNodeState', not a SriovNetworkPoolConfig"):
        kubectl_poolconfigs.parse(fixture(F, "nodestates.json"))
    with pytest.raises(ParseError, match="empty output"):
        kubectl_node.parse("")
    bad = json.loads(fixture(F, "node.json"))
    bad["status"]["allocatable"]["openshift.io/rail0_rdma"] = "4k"
    with pytest.raises(ParseError, match="allocatable openshift.io/rail0_rdma is '4k', not a whole number"):
        kubectl_node.parse(json.dumps(bad))
    bad = json.loads(fixture(F, "policies.json"))
    bad["items"][1]["spec"]["numVfs"] = "4"
    with pytest.raises(ParseError, match="policy rail0-rdma: spec.numVfs is '4', not an integer"):
        kubectl_policies.parse(json.dumps(bad))


@pytest.mark.parametrize("tool, name", [("kubectl-sriovnetworknodestates", "nodestates.json"),
                                        ("kubectl-sriovnetworknodepolicies", "policies.json"),
                                        ("kubectl-sriovnetworkpoolconfigs", "poolconfigs.json"),
                                        ("kubectl-node", "node.json")])
def test_bringup_parse_reaches_them(tool, name):
    assert tool in registry()
    out = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", tool, str(FIXTURES / F / name)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)


def test_nodestates_of_another_shape_raise():
    # Found by tests/parsers/test_fuzz_parsers.py: a number where status.interfaces' list belongs raised a bare TypeError.
    document = json.loads(fixture("kubectl_sriov", "nodestates.json"))
    document["items"][0]["status"]["interfaces"] = 5
    with pytest.raises(ParseError) as raised:
        kubectl_nodestates.parse(json.dumps(document) + "\n")
    assert str(raised.value) == ("`kubectl get sriovnetworknodestates -o json` JSON is not shaped as expected: "
                                 "TypeError: 'int' object is not iterable")
