"""The cluster-API side of L10 (bringup/probes/kubeapi.py): where kubectl runs, how inventory values reach
its command line, and the live path end to end through the controller's local transport with a stub
kubectl (recorded, then replayed to the same verdicts)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bringup.inventory import InventoryError, load_inventory
from bringup.probes import kubeapi
from bringup.rundir import read_results
from tests.scenario_tools import ROOT, latest_run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kubectl_sriov"
HOSTILE_CONTEXT = "ctx$(touch PWNED);'x"
CHECKS = ["test_sriov_operator_synced[gpu-l01]", "test_sriov_policy_matches_plan[gpu-l01-rail0]",
          "test_sriov_vfs_allocatable[gpu-l01-rail0]", "test_sriov_rdma_mode_as_declared[gpu-l01]"]


def _inventory(tmp_path: Path, kubernetes: str | None = None, design: str = "k8s-sriov-roce", vfs: int = 4) -> Path:
    inv = tmp_path / "inv"
    (inv / "group_vars").mkdir(parents=True)
    (inv / "hosts.yml").write_text("all:\n  hosts:\n    gpu-l01: {ansible_connection: local}\n")
    text = (f"bringup_design: {design}\nbringup_rails:\n  - {{name: rail0, netdev: ens1f0np0, rdma_device: mlx5_0,"
            f" pci: '0000:17:00.0', sriov_vfs: {vfs}}}\n")
    if kubernetes is not None:
        text += kubernetes
    (inv / "group_vars" / "all.yml").write_text(text)
    return inv


BLOCK = ("bringup_kubernetes:\n  kubeconfig: '~/kube conf.yaml'\n"
         f"  context: {json.dumps(HOSTILE_CONTEXT)}\n  rdma_mode: exclusive\n  node_names: {{gpu-l01: gpu-b01}}\n")


def test_commands_quote_every_inventory_value(tmp_path):
    subject = kubeapi.subject(load_inventory(str(_inventory(tmp_path, BLOCK))))
    command = kubeapi.node_states(subject).command
    assert command == ("kubectl --request-timeout=20s --kubeconfig \"$HOME\"/'kube conf.yaml' --context "
                       "'ctx$(touch PWNED);'\"'\"'x' get sriovnetworknodestates -n sriov-network-operator -o json")
    assert subject.name == "kubectl@controller" and subject.prefix == "openshift.io"


def test_subject_defaults_and_validation(tmp_path):
    assert kubeapi.subject(load_inventory(str(_inventory(tmp_path / "a")))) is None
    nvidia = kubeapi.subject(load_inventory(str(_inventory(
        tmp_path / "b", "bringup_kubernetes: {operator: nvidia-network-operator, kubectl_host: gpu-l01}\n"))))
    assert (nvidia.namespace, nvidia.prefix, nvidia.name) == ("nvidia-network-operator", "nvidia.com", "kubectl@gpu-l01")
    with pytest.raises(InventoryError, match="kubectl_host 'cp01' is not a host of the inventory"):
        kubeapi.subject(load_inventory(str(_inventory(tmp_path / "c", "bringup_kubernetes: {kubectl_host: cp01}\n"))))
    with pytest.raises(InventoryError, match="resource names may hold letters, digits and '_' only"):
        load_inventory(str(_inventory(tmp_path / "d", "bringup_kubernetes: {resources: {rail0: 'a/b'}}\n")))


def test_example_d1_inventory_declares_the_cluster_api():
    cluster = load_inventory(str(ROOT / "inventories" / "examples" / "k8s-sriov-roce"))
    subject = kubeapi.subject(cluster)
    assert subject is not None and subject.config.rdma_mode == "exclusive"
    assert all(subject.config.resources.get(r.name) for n in cluster.nodes for r in n.rails if r.sriov_vfs)
    assert [p.key for p in kubeapi.plan(subject, list(cluster.nodes))][-2:] == ["k8s-node-gpu-a01", "k8s-node-gpu-a02"]


def _bin(tmp_path: Path, kubectl: str | None) -> str:
    """A PATH with only what the probe batch needs, plus (or without) a kubectl stub."""
    folder = tmp_path / "bin"
    folder.mkdir(parents=True)
    for tool in ("sh", "mktemp", "rm", "date", "timeout", "wc", "cat"):
        os.symlink(shutil.which(tool), folder / tool)
    if kubectl is not None:
        (folder / "kubectl").write_text("#!/bin/sh\n" + kubectl)
        (folder / "kubectl").chmod(0o755)
    return str(folder)


FAKE_KUBECTL = f"""printf '%s\\n' "$@" > {{args}}
case "$*" in
  *sriovnetworknodestates*) cat {FIXTURES}/nodestates.json ;;
  *sriovnetworknodepolicies*) cat {FIXTURES}/policies.json ;;
  *sriovnetworkpoolconfigs*) cat {FIXTURES}/poolconfigs.json ;;
  *"get node gpu-b01"*) cat {FIXTURES}/node.json ;;
  *) echo "Error from server (NotFound): nodes not found" >&2; exit 1 ;;
esac
"""
REFUSED = """i=0; while [ $i -lt 3 ]; do i=$((i+1))
echo 'E0306 07:41:02.118833   40211 memcache.go:265] couldn'"'"'t get current server API group list: Get "https://198.19.0.5:6443/api?timeout=20s": dial tcp 198.19.0.5:6443: connect: connection refused' >&2
done
echo 'The connection to the server 198.19.0.5:6443 was refused - did you specify the right host or port?' >&2
exit 1
"""


def _run(tmp_path: Path, inv: Path, path: str, *extra: str) -> tuple[dict[str, dict], subprocess.CompletedProcess]:
    reports = tmp_path / "reports"
    proc = subprocess.run([sys.executable, "-m", "pytest", "suites/l10_sriov/test_sriov_operator.py", "-q",
                           "-p", "no:cacheprovider", "--reports-dir", str(reports), *extra, "--layers", "10"]
                          + ([] if "--replay" in extra else ["--inventory", str(inv)]),
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": path, "HOME": str(tmp_path)})
    return {r["name"]: r for r in read_results(latest_run(reports, proc))}, proc


def test_live_kubectl_on_the_controller_is_recorded_and_replayed(tmp_path):
    args = tmp_path / "args"
    records, proc = _run(tmp_path, _inventory(tmp_path, BLOCK), _bin(tmp_path, FAKE_KUBECTL.format(args=args)))
    assert {n: r["outcome"] for n, r in records.items()} == dict.fromkeys(CHECKS, "passed"), proc.stdout[-3000:]
    # kubectl got each inventory value as one word: $HOME expanded on the kubectl host, the context intact.
    words = args.read_text().splitlines()
    assert words[:5] == ["--request-timeout=20s", "--kubeconfig", f"{tmp_path}/kube conf.yaml", "--context",
                         HOSTILE_CONTEXT]
    assert not list(ROOT.glob("PWNED")) and not list(tmp_path.rglob("PWNED"))
    run = latest_run(tmp_path / "reports")
    recorded = json.loads((run / "probes" / "kubectl@controller" / "l10.json").read_text())
    assert sorted(recorded["keys"]) == ["k8s-node-gpu-l01", "k8s-sriov-nodestates", "k8s-sriov-policies",
                                        "k8s-sriov-poolconfigs"]
    again, proc = _run(tmp_path / "replay", None, _bin(tmp_path / "replay", None), "--replay", str(run))
    assert {n: r["outcome"] for n, r in again.items()} == dict.fromkeys(CHECKS, "passed"), proc.stdout[-3000:]


def test_kubectl_missing_fails_naming_where(tmp_path):
    records, proc = _run(tmp_path, _inventory(tmp_path, BLOCK), _bin(tmp_path, None))
    assert {r["outcome"] for r in records.values()} == {"failed"}, proc.stdout[-3000:]
    assert all(r["message"].startswith("kubectl not installed on the controller (where pytest runs)")
               for r in records.values()), records


def test_api_refused_fails_naming_kubeconfig_and_context(tmp_path):
    records, proc = _run(tmp_path, _inventory(tmp_path, BLOCK), _bin(tmp_path, REFUSED))
    assert set(records) == set(CHECKS) and {r["outcome"] for r in records.values()} == {"failed"}, proc.stdout
    message = records[CHECKS[0]]["message"]
    assert message == ("Kubernetes API unreachable from the controller (where pytest runs) with kubeconfig "
                       f"~/kube conf.yaml, context {HOSTILE_CONTEXT}: The connection to the server "
                       "198.19.0.5:6443 was refused - did you specify the right host or port?")


def test_no_kubernetes_block_skips_with_the_inventory_reason(tmp_path):
    records, proc = _run(tmp_path, _inventory(tmp_path), _bin(tmp_path, None))
    assert {r["outcome"] for r in records.values()} == {"skipped"}, proc.stdout
    assert records[CHECKS[0]]["message"].startswith("inventory declares no bringup_kubernetes block")


def test_hybrid_kubernetes_side_without_vfs_skips(tmp_path):
    inv = _inventory(tmp_path, BLOCK, design="hybrid-k8s-slurm-roce", vfs=0)
    records, proc = _run(tmp_path, inv, _bin(tmp_path, None))
    assert {r["outcome"] for r in records.values()} == {"skipped"}, proc.stdout
    assert records[CHECKS[0]]["message"] == "inventory plans no SR-IOV VFs on gpu-l01 (bringup_rails[].sriov_vfs)"
    assert records[CHECKS[1]]["message"] == "inventory plans no SR-IOV VFs on gpu-l01 rail0 (bringup_rails[].sriov_vfs)"
