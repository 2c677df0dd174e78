"""``bringup provision``: validation before any host is touched, the run directory, progress and recap,
unreachable hosts, and a real ansible-runner run in --check mode against this machine (changes nothing)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from bringup.cli import main
from bringup.provision import provision
from bringup.provision.progress import Progress, diff_lines, format_recap, recap

# The system python carries python3-apt, which the package module needs even in check mode.
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else shutil.which("python3")
LOCAL_VARS = {
    "bringup_design": "baremetal-mpi-roce",
    "bringup_profile": "local",
    "bringup_hardware": {"gpus": 0, "nics": 0},
    "bringup_expect": {"time_sync": "not_required", "memlock": "any", "cpu_governor": "any"},
}


def _inventory(tmp_path: Path, hosts: dict, group_vars: dict | None = None) -> Path:
    root = tmp_path / "inv"
    (root / "group_vars").mkdir(parents=True)
    (root / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    (root / "group_vars" / "all.yml").write_text(yaml.safe_dump(group_vars or LOCAL_VARS))
    return root


LOCALHOST = {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": PYTHON}}


@pytest.mark.parametrize("fabric, variable", [
    ({"pfc_priority": 9}, "bringup_fabric.pfc_priority"),
    ({"mtu": 100}, "bringup_fabric.mtu"),
    ({"pfc_priority": "three"}, "bringup_fabric.pfc_priority"),
    ({"roce_mtu": 1500}, "bringup_fabric.roce_mtu"),
])
def test_bad_value_is_rejected_before_any_host_is_touched(tmp_path, capsys, fabric, variable):
    # The host is unreachable on purpose: a run that got past validation would report it.
    inv = _inventory(tmp_path, {"node01": {"ansible_host": "198.18.255.254"}}, {**LOCAL_VARS, "bringup_fabric": fabric})
    reports = tmp_path / "reports"
    rc = main(["provision", "--inventory", str(inv), "--reports-dir", str(reports)])
    err = capsys.readouterr().err
    assert rc == 2
    assert variable in err and str(inv / "group_vars" / "all.yml") in err, err
    assert "no host touched" in err
    assert not reports.exists(), "no run directory: nothing ran"


def test_bad_rail_mtu_names_the_host_file(tmp_path, capsys):
    inv = _inventory(tmp_path, {"node01": {"ansible_host": "198.18.255.254"}})
    (inv / "host_vars").mkdir()
    (inv / "host_vars" / "node01.yml").write_text(yaml.safe_dump(
        {"bringup_rails": [{"name": "rail0", "netdev": "eth1", "mtu": 100}]}))
    assert main(["provision", "--inventory", str(inv), "--reports-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "bringup_rails.0.mtu" in err and "host_vars/node01.yml" in err, err


def test_unknown_inventory_is_an_error(tmp_path, capsys):
    assert main(["provision", "--inventory", str(tmp_path / "nope"), "--reports-dir", str(tmp_path)]) == 2
    assert "not found" in capsys.readouterr().err


def test_check_mode_runs_a_tagged_subset_on_this_machine(tmp_path):
    """A real ansible-runner run, --check: the OS baseline role reads sysctls and reports, changes nothing."""
    inv = _inventory(tmp_path, LOCALHOST)
    out = io.StringIO()
    outcome = provision(str(inv), check=True, tags="os_baseline", reports_root=tmp_path / "reports", out=out)
    text = out.getvalue()
    assert outcome.rc == 0, text
    assert outcome.failed_hosts == []
    row = outcome.recap["localhost"]
    assert row["ok"] > 0 and row["failed"] == 0 and row["unreachable"] == 0
    assert "[localhost] ok          os_baseline : Read the running sysctls" in text
    assert "mpi_stack" not in text, "--tags limits the run to the tagged role"
    run = outcome.run_dir
    meta = json.loads((run / "meta.json").read_text())
    assert meta["kind"] == "provision" and meta["check"] is True and meta["design"] == "baremetal-mpi-roce"
    events = [json.loads(line) for line in (run / "provision" / "events.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "playbook_on_stats"
    assert json.loads((run / "provision" / "recap.json").read_text())["localhost"]["failed"] == 0
    assert (run / "inventory" / "group_vars" / "all.yml").is_file(), "inventory snapshot for the record"


def test_unreachable_host_is_reported_and_the_rest_continue(tmp_path, capsys):
    hosts = {**LOCALHOST, "ghost": {"ansible_host": "198.18.255.254", "ansible_user": "root",
                                    "ansible_ssh_common_args": "-o ConnectTimeout=2 -o BatchMode=yes"}}
    inv = _inventory(tmp_path, hosts)
    rc = main(["provision", "--inventory", str(inv), "--check", "--tags", "os_baseline",
               "--reports-dir", str(tmp_path / "reports")])
    captured = capsys.readouterr()
    assert rc != 0
    assert "failed hosts: ghost" in captured.err and "ghost: unreachable" in captured.err, captured.err
    assert "[ghost] UNREACHABLE" in captured.out
    assert "[localhost] ok          os_baseline : Verify the end state" in captured.out, "localhost carried on"


def test_limit_leaves_other_hosts_alone(tmp_path):
    hosts = {**LOCALHOST, "ghost": {"ansible_host": "198.18.255.254"}}
    out = io.StringIO()
    outcome = provision(str(_inventory(tmp_path, hosts)), check=True, tags="os_baseline", limit="localhost",
                        reports_root=tmp_path / "reports", out=out)
    assert outcome.rc == 0, out.getvalue()
    assert "ghost" not in outcome.recap


def test_progress_lines_and_recap_from_runner_events(tmp_path):
    out = io.StringIO()
    progress = Progress(tmp_path / "events.jsonl", out)
    for event in (
        {"event": "playbook_on_play_start", "event_data": {"play": "D2 nodes"}},
        {"event": "runner_on_ok", "event_data": {"host": "node01", "task": "Add the rail address",
                                                 "role": "rail_network", "res": {"changed": True}}},
        {"event": "runner_on_failed", "event_data": {"host": "node02", "task": "Verify it runs: slurmd",
                                                     "role": "daemon", "res": {"msg": "non-zero return code"}}},
        {"event": "runner_on_unreachable", "event_data": {"host": "node03", "task": "Gathering Facts",
                                                          "res": {"msg": "ssh: connect to host: timed out"}}},
    ):
        progress.on_event(event)
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines == [
        "== play: D2 nodes",
        "[node01] changed     rail_network : Add the rail address",
        "[node02] FAILED      daemon : Verify it runs: slurmd: non-zero return code",
        "[node03] UNREACHABLE Gathering Facts: ssh: connect to host: timed out",
    ]
    stats = {"ok": {"node01": 5, "node02": 3}, "changed": {"node01": 1}, "failures": {"node02": 1},
             "dark": {"node03": 1}, "skipped": {}}
    table = recap(stats, progress.failures)
    assert table["node02"]["failed_tasks"] == [{"task": "daemon : Verify it runs: slurmd",
                                                "message": "non-zero return code"}]
    assert table["node03"]["unreachable"] == 1 and table["node01"]["changed"] == 1
    assert format_recap(table)[1].split() == ["node01", "5", "1", "0", "0", "0"]
    assert len((tmp_path / "events.jsonl").read_text().splitlines()) == 4


# D1 carries every Kubernetes-side role, D2 every bare-metal one, D5 the partition plays; D3 and D4 are subsets
# (their playbooks are syntax-checked and linted, and D4 converges the lab in test_provision_lab.py).
@pytest.mark.parametrize("design, partition", [
    ("k8s-sriov-roce", None), ("baremetal-slurm-roce", None), ("hybrid-k8s-slurm-roce", "slurm"),
])
def test_every_design_playbook_runs_in_check_mode_on_this_machine(tmp_path, design, partition):
    """The whole playbook, every role, --check: templates render, guards hold, nothing is changed here."""
    group_vars = {**LOCAL_VARS, "bringup_design": design,
                  "bringup_rails": [], **({"bringup_partition": partition} if partition else {})}
    out = io.StringIO()
    outcome = provision(str(_inventory(tmp_path, LOCALHOST, group_vars)), check=True,
                        reports_root=tmp_path / "reports", out=out)
    assert outcome.rc == 0 and not outcome.failed_hosts, out.getvalue()[-5000:]


def test_diff_lines_render_file_and_state_changes():
    text = {"diff": [{"before": "a\nb\n", "after": "a\nc\n", "before_header": "/etc/x", "after_header": "/etc/x"}]}
    assert diff_lines(text) == ["--- /etc/x", "+++ /etc/x", "@@ -1,2 +1,2 @@", " a", "-b", "+c"]
    state = {"diff": {"before": {"state": "absent"}, "after": {"state": "directory"}}}
    assert '- "state": "absent"' in diff_lines(state) and '+ "state": "directory"' in diff_lines(state)
    assert diff_lines({"diff": {"prepared": "line1\nline2"}}) == ["line1", "line2"]
