"""Inventory values never execute (issue 9, items 1-4): host names and every bringup_* value are validated on
load with errors naming file and key, probe commands keep each value one inert word that is never read as an
option, and a recorded run's inventory is read as data (json), never through ansible.

The probe-level tests run the generated command for real under bash with stub tools first on PATH (they
record their argv), so "inert" is observed, not inferred from the command text.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bringup.designs import get_design
from bringup.inventory import (Cluster, Connection, InventoryError, Node, load_cabling, load_inventory,
                               load_recorded, write_resolved)
from bringup.model import Fabric, Hardware
from bringup.probes import kubeapi, runtime, scheduler

HERE = Path(__file__).resolve().parents[1]
ROOT = HERE.parent


def inventory(tmp_path: Path, hosts: dict | None = None, **group_vars) -> Path:
    inv = tmp_path / "inv"
    (inv / "group_vars").mkdir(parents=True, exist_ok=True)
    (inv / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts or {"node01": {}, "node02": {}}}}))
    (inv / "group_vars" / "all.yml").write_text(yaml.safe_dump({"bringup_design": "D4", **group_vars}))
    return inv


def load_error(inv: Path) -> str:
    with pytest.raises(InventoryError) as info:
        load_inventory(str(inv))
    return str(info.value)


# ---------------------------------------------------------------- 1. host names


@pytest.mark.parametrize("host", ["x;touch /tmp/p;:", "-oProxyCommand=touch /tmp/p", "../../etc", "a b",
                                  "node-", "x" * 64, "node01\n"])
def test_hostile_host_name_is_rejected_naming_file_and_host(tmp_path, host):
    inv = inventory(tmp_path, hosts={host: {}})
    message = load_error(inv)
    assert message.startswith(f"{inv}/hosts.yml: host {host!r}: ")
    assert "RFC 1123" in message or "characters" in message


@pytest.mark.parametrize("host", ["node01", "gpu-a01.dc1.example.com", "10.0.0.1", "H100VM"])
def test_ordinary_host_names_load(tmp_path, host):
    assert load_inventory(str(inventory(tmp_path, hosts={host: {}}))).nodes[0].name == host


def _node(name: str, fleet: tuple[str, ...], **expect) -> Node:
    """A Node built directly, past the loader's checks: what a probe would do with a hostile name."""
    return Node(name=name, groups=("all",), connection=Connection("ssh", name), design=get_design("D4"),
                profile="default", hardware=Hardware(), fabric=Fabric(), rails=(), partition=None,
                expect=dict(expect), fleet=fleet)


def _run_with_stubs(command: str, tmp_path: Path, tools: tuple[str, ...]) -> list[list[str]]:
    """Run ``command`` under bash with stub ``tools`` first on PATH; each stub records its argv (NUL-separated)
    in a file of its own (stubs in one pipeline run at once: a shared log would interleave their records)
    and, for mpirun, the hostfile it was given. Returns the recorded calls, in the order they started."""
    stubs, log = tmp_path / "stubs", tmp_path / "calls"
    stubs.mkdir(exist_ok=True)
    (tmp_path / "calls.d").mkdir(exist_ok=True)
    for tool in tools:
        extra = 'for a; do [ -f "$a" ] && cat "$a" >> "$LOG.hostfile"; done\n' if tool == "mpirun" else ""
        body = 'printf "%s\\0" "$(basename "$0")" "$@" > "$LOG.d/$(date +%s%N).$$"\n'
        (stubs / tool).write_text("#!/bin/bash\n" + body + extra)
        (stubs / tool).chmod(0o755)
    env = {**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}", "LOG": str(log)}
    subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, timeout=20)
    records = sorted((tmp_path / "calls.d").iterdir(), key=lambda p: int(p.name.split(".")[0]))
    return [p.read_text().strip("\0").split("\0") for p in records if p.read_text().strip("\0")]


def test_mpirun_hostfile_keeps_a_hostile_name_as_data(tmp_path):
    """The L15 hostfile used to put shlex-quoted names inside a single-quoted printf format: the quote ended
    the format and the name ran as shell code. Now the names are printf's arguments."""
    marker = tmp_path / "pwned"
    hostile = f"x';touch {marker};'"
    node = _node(hostile, (hostile, "node02"))
    command = scheduler.mpirun_pair(node, "node02").command
    _run_with_stubs(command, tmp_path, ("mpirun",))
    assert not marker.exists()
    assert (tmp_path / "calls.hostfile").read_text() == f"{hostile} slots=1\nnode02 slots=1\n"


@pytest.mark.parametrize("make, hostile", [
    (lambda peer: scheduler.munge_peer(peer).command, "-oProxyCommand=touch /tmp/pwned"),
    # a probe key carries the peer, so this one is key-safe: `ssh -Epwned.log` would append to a file
    (lambda peer: runtime.ssh(_node("node01", ("node01", peer)), peer).command, "-Epwned.log"),
])
def test_ssh_peer_name_is_never_an_option(tmp_path, make, hostile):
    """`ssh -oProxyCommand=...` runs the proxy command; after `--` the same word is only a (bad) host name."""
    calls = [c for c in _run_with_stubs(make(hostile), tmp_path, ("ssh", "munge")) if c[0] == "ssh"]
    assert len(calls) == 1
    argv = calls[0]
    assert hostile in argv and argv.index("--") < argv.index(hostile)


def test_getent_names_are_operands(tmp_path):
    node = _node("node01", ("node01", "-s files"))
    calls = _run_with_stubs(runtime.getent(node).command, tmp_path, ("getent",))
    assert calls == [["getent", "hosts", "--", "node01", "-s files"]]


def test_netdev_and_rdma_device_cannot_start_with_a_dash(tmp_path):
    inv = inventory(tmp_path, bringup_rails=[{"name": "rail0", "netdev": "-s", "rdma_device": "-d"}])
    message = load_error(inv)
    assert f"{inv}/group_vars/all.yml (group all): bringup_rails.0.netdev: a Linux interface name" in message
    assert "not starting with '-' (got '-s')" in message
    assert "bringup_rails.0.rdma_device: String should match pattern" in message


@pytest.mark.parametrize("field, value", [("netdev", "eth0\nreboot"), ("name", "rail\x00")])
def test_control_characters_are_rejected_naming_the_key(tmp_path, field, value):
    rail = {"name": "rail0", "netdev": "eth0", field: value}
    message = load_error(inventory(tmp_path, bringup_rails=[rail]))
    assert f"bringup_rails.0.{field}: " in message and "control character" in message


def test_mpi_paths_must_be_absolute(tmp_path):
    message = load_error(inventory(tmp_path, bringup_mpi={"bundle_path": "-n/opt/ompi", "slots": 8}))
    assert "group_vars/all.yml (group all): bringup_mpi.bundle_path: String should match pattern" in message
    ok = load_inventory(str(inventory(tmp_path, bringup_mpi={"bundle_path": "/opt/ompi", "slots": 8})))
    assert ok.nodes[0].vars["bringup_mpi"] == {"bundle_path": "/opt/ompi", "slots": 8}


# ---------------------------------------------------------------- 2. bringup_expect is typed


@pytest.mark.parametrize("expect, message", [
    ({"tos": "106;touch /tmp/p"}, "bringup_expect.tos: Input should be a valid integer"),
    ({"tos": 300}, "bringup_expect.tos: Input should be less than or equal to 255 (got 300)"),
    ({"roce_gid_index": "abc"}, "bringup_expect.roce_gid_index: Input should be a valid integer"),
    ({"traffic_chekcs": True}, "bringup_expect.traffic_chekcs: unknown key"),
    ({"memlock": "lots"}, "bringup_expect.memlock: Input should be 'unlimited' or 'any'; or Input should be a "
                          "valid integer"),
    ({"dmabuf_min_kernel": 5.10}, "bringup_expect.dmabuf_min_kernel: a version is text: write it quoted"),
    ({"slurm_mpi": "pmix --export=ALL"}, "bringup_expect.slurm_mpi: String should match pattern"),
    ({"sriov_policy": {"numvfs": 8}}, "bringup_expect.sriov_policy.numvfs: unknown key (a typo?)"),
])
def test_expect_errors_name_file_and_key(tmp_path, expect, message):
    inv = inventory(tmp_path, bringup_expect=expect)
    assert f"{inv}/group_vars/all.yml (group all): {message}" in load_error(inv)


def test_expect_keeps_only_the_declared_values_with_their_types(tmp_path):
    expect = {"tos": 106, "traffic_checks": True, "tuned_profile": ["a", "b"], "memlock": "any",
              "bmc_sel_baseline_id": {"node01": "1a", "node02": 0x40}, "perftest_outlier_sigma": 3,
              "sriov_policy": {"isRdma": True}}
    node = load_inventory(str(inventory(tmp_path, bringup_expect=expect))).nodes[0]
    assert node.expect == expect and type(node.expect["perftest_outlier_sigma"]) is int
    assert "kernel" not in node.expect and node.expect.get("ssh_mesh") is None


def test_every_policy_value_fits_the_expect_schema():
    """policy.yml and bringup_expect share keys: each policy value must be one an inventory could declare."""
    from bringup.expect import policy
    from bringup.model import Expect

    assert Expect(**policy()).declared() == policy()


def test_tos_reaches_perftest_as_one_integer_word():
    from bringup.bench import catalogue, launchers

    cluster = load_inventory(str(ROOT / "tests/scenarios/h100/inventory"))
    a, b = (replace(n, expect={**n.expect, "tos": 106, "roce_gid_index": 3},
                    fabric=n.fabric.model_copy(update={"tos": None}))
            for n in cluster.nodes)
    argv = launchers.pair_launch(catalogue.default().case("perftest-write-bw"), a, b, "rail0").argv
    assert argv[argv.index("--tclass=106"):][:3] == ["--tclass=106", "-x", "3"]


@pytest.mark.parametrize("port", ["22; reboot", "0", "70000"])
def test_ansible_port_error_names_file_and_host(tmp_path, port):
    inv = inventory(tmp_path)
    (inv / "host_vars").mkdir()
    (inv / "host_vars" / "node02.yml").write_text(yaml.safe_dump({"ansible_port": port}))
    assert load_error(inv) == (f"{inv}/host_vars/node02.yml (host node02): ansible_port: a TCP port 1-65535 "
                               f"(got {port!r})")


@pytest.mark.parametrize("key, value", [("ansible_host", "-oProxyCommand=x"), ("ansible_user", "-l root"),
                                        ("ansible_user", "root\n")])
def test_ansible_host_and_user_cannot_be_options(tmp_path, key, value):
    inv = inventory(tmp_path, hosts={"node01": {key: value}})
    message = load_error(inv)
    assert message.startswith(f"{inv}/hosts.yml (host node01): {key}: ") and repr(value) in message


# ---------------------------------------------------------------- 3. kubectl


def test_kubernetes_node_name_cannot_be_a_kubectl_flag(tmp_path):
    inv = inventory(tmp_path, bringup_kubernetes={"node_names": {"node01": "--kubeconfig=/evil"}})
    message = load_error(inv)
    assert f"{inv}/group_vars/all.yml (group all): bringup_kubernetes.node_names: Kubernetes node names" in message
    assert "'--kubeconfig=/evil'" in message


def test_kubeconfig_and_context_stay_values(tmp_path):
    """pflag gives a non-boolean long flag the next word whatever it starts with; the word is quoted."""
    inv = inventory(tmp_path, bringup_kubernetes={"kubeconfig": "--kubeconfig=/evil", "context": "-n x",
                                                  "node_names": {"node01": "gpu-a01"}})
    cluster = load_inventory(str(inv))
    command = kubeapi.node_object(kubeapi.subject(cluster), cluster.nodes[0]).command
    calls = _run_with_stubs(command, tmp_path, ("kubectl",))
    assert calls == [["kubectl", "--request-timeout=20s", "--kubeconfig", "--kubeconfig=/evil", "--context", "-n x",
                      "get", "node", "gpu-a01", "-o", "json"]]


# ---------------------------------------------------------------- 4. replay reads data


def _recorded(tmp_path: Path, cluster: Cluster) -> Path:
    folder = tmp_path / "run" / "inventory"
    write_resolved(cluster, folder)
    return folder


def test_replay_reads_resolved_json_without_ansible(tmp_path, monkeypatch):
    cluster = load_inventory(str(HERE / "scenarios" / "h100" / "inventory"))
    folder = _recorded(tmp_path, cluster)
    # Hostile leftovers beside it are never read: a template and an executable inventory script.
    marker = tmp_path / "pwned"
    (folder / "group_vars").mkdir()
    (folder / "group_vars" / "all.yml").write_text(f"x: \"{{{{ lookup('pipe', 'touch {marker}') }}}}\"\n")
    (folder / "hosts").write_text(f"#!/bin/sh\ntouch {marker}\necho '{{}}'\n")
    (folder / "hosts").chmod(0o755)
    import ansible.inventory.manager as manager

    monkeypatch.setattr(manager, "InventoryManager", None)  # any use of ansible would fail loudly
    again = load_recorded(folder)
    assert not marker.exists()
    assert [n.name for n in again.nodes] == [n.name for n in cluster.nodes]
    assert [n.expect for n in again.nodes] == [n.expect for n in cluster.nodes]
    assert [n.rails for n in again.nodes] == [n.rails for n in cluster.nodes]
    assert again.cabling == cluster.cabling and again.digest == cluster.digest


def test_resolved_json_is_validated_like_an_inventory(tmp_path):
    folder = _recorded(tmp_path, load_inventory(str(HERE / "scenarios" / "h100" / "inventory")))
    data = json.loads((folder / "resolved.json").read_text())
    data["hosts"][0]["name"] = "../../x"
    (folder / "resolved.json").write_text(json.dumps(data))
    with pytest.raises(InventoryError, match=r"resolved.json: host '../../x': not an RFC 1123 host name"):
        load_recorded(folder)
    data["hosts"][0]["name"] = "node01"
    data["hosts"][0]["vars"]["bringup_expect"]["tos"] = "106; reboot"
    (folder / "resolved.json").write_text(json.dumps(data))
    with pytest.raises(InventoryError, match=r"resolved.json \(host node01\): bringup_expect.tos: Input should be"):
        load_recorded(folder)


def test_resolved_json_redacts_secrets(tmp_path):
    inv = inventory(tmp_path, bringup_mpi={"bundle_path": "/opt/ompi", "registry_password": "hunter2"})
    folder = _recorded(tmp_path, load_inventory(str(inv)))
    text = (folder / "resolved.json").read_text()
    assert "hunter2" not in text and "<redacted by bringup>" in text


def test_old_run_without_resolved_json_is_read_as_plain_yaml(tmp_path):
    """Templates stay text (and fail the schema where typed); an INI/script inventory is not read at all."""
    marker = tmp_path / "pwned"
    folder = tmp_path / "old" / "inventory"
    (folder / "group_vars").mkdir(parents=True)
    (folder / "hosts.yml").write_text("all:\n  hosts: {node01: {}}\n")
    (folder / "group_vars" / "all.yml").write_text(
        f"bringup_design: D4\nbringup_fabric: {{mtu: \"{{{{ lookup('pipe', 'touch {marker}') }}}}\"}}\n")
    with pytest.raises(InventoryError, match=r"group_vars/all.yml \(group all\): bringup_fabric.mtu: Input should be "
                                             r"a valid integer"):
        load_recorded(folder)
    assert not marker.exists()
    (folder / "hosts.yml").unlink()
    (folder / "hosts").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (folder / "hosts").chmod(0o755)
    with pytest.raises(InventoryError, match="no resolved.json \\(the run predates it\\) and no hosts.yml"):
        load_recorded(folder)
    assert not marker.exists()


def test_cabling_plan_errors_never_echo_the_file(tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secrethash:19000:0:99999:7:::\n")
    with pytest.raises(InventoryError) as info:
        load_cabling(secret, {})
    assert "secrethash" not in str(info.value) and "19000" not in str(info.value)
    assert str(info.value) == f"{secret}:1: the first line of a cabling plan must be the header node,rail,leaf,port"
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00secret")
    with pytest.raises(InventoryError, match="not UTF-8 text"):
        load_cabling(binary, {})


def test_a_live_run_records_resolved_json_and_its_replay_runs_nothing(tmp_path):
    """End to end: the live run writes inventory/resolved.json; hostile files planted beside it afterwards (a
    Jinja pipe lookup, an executable inventory script) are never evaluated by --replay, whose verdicts match."""
    from tests.scenario_tools import latest_run, replay, run_suites

    live, _ = run_suites(tmp_path / "live", "--inventory", "local", "--layers", "6")
    run = latest_run(tmp_path / "live")
    resolved = json.loads((run / "inventory" / "resolved.json").read_text())
    assert [h["name"] for h in resolved["hosts"]] == ["localhost"] and resolved["format"] == 1
    # What ansible would run: a templated bringup_* value in group_vars/all.yml, and, with hosts.yml gone,
    # the executable `hosts` beside it as the inventory source.
    marker = tmp_path / "pwned"
    with (run / "inventory" / "group_vars" / "all.yml").open("a") as f:
        f.write(f"bringup_profile: \"{{{{ lookup('pipe', 'touch {marker}') }}}}\"\n")
    (run / "inventory" / "hosts.yml").unlink()
    (run / "inventory" / "hosts").write_text(f"#!/bin/sh\ntouch {marker}\necho '{{}}'\n")
    (run / "inventory" / "hosts").chmod(0o755)
    again, proc = replay(run, tmp_path / "replay", "--layers", "6")
    assert not marker.exists()
    assert {r["nodeid"]: r["outcome"] for r in again} == {r["nodeid"]: r["outcome"] for r in live}, proc.stdout[-2000:]


def test_every_expect_key_the_code_reads_is_in_the_schema():
    """A key read with expect.declared(node, "k") / node.expect.get("k") must be declarable: with
    extra="forbid", one missing from bringup.model.Expect could only ever come from policy.yml."""
    import re

    from bringup.model import Expect

    pattern = re.compile(r"""(?:expect\.get|declared\(\s*\w+)\(?\s*,?\s*["']([a-z_0-9]+)["']""")
    read = {key for folder in ("bringup", "suites") for path in (ROOT / folder).rglob("*.py")
            for key in pattern.findall(path.read_text())}
    assert {"tos", "roce_gid_index", "traffic_checks", "slurm_mpi", "memlock"} <= read  # the scan finds them
    assert sorted(read - set(Expect.model_fields)) == []
