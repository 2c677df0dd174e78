"""The MPIJob live path (bringup/bench/mpijob.py) against a stub kubectl on PATH and recorded v2beta1 JSON
(tests/fixtures/mpijob/README.md says where each file comes from)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bringup.bench import catalogue, launchers, mpijob
from bringup.bench.mpijob import MPIJobError, MPIJobRun
from bringup.inventory import load_inventory
from bringup.model import Kubernetes

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "mpijob"
NAME = "dp-mpijob-bert"  # the recorded job's name; our manifest takes it so the recordings answer for it

STUB = """#!/bin/sh
d={state}
for a in "$@"; do printf '%s\\n' "$a"; done >> "$d/calls"; echo '--' >> "$d/calls"
case "$*" in
  *" apply -f -"*) cat > "$d/applied.json"; {apply} ;;
  *" delete -f -"*) cat > "$d/deleted.json"; echo 'mpijob.kubeflow.org "{name}" deleted' ;;
  *" get mpijob "*) n=$(cat "$d/n" 2>/dev/null || echo 1); f=$(sed -n "${{n}}p" "$d/states")
                    [ -n "$f" ] || f=$(tail -n 1 "$d/states"); echo $((n+1)) > "$d/n"; cat {fixtures}/"$f" ;;
  *" logs "*) cat {fixtures}/launcher.log ;;
  *" get pods "*) cat {fixtures}/pods-pending.json ;;
  *"involvedObject.name={name}-worker-0"*) cat {fixtures}/events-worker-0.json ;;
  *" get events "*) cat {fixtures}/events-none.json ;;
  *) echo "stub kubectl: unexpected $*" >&2; exit 2 ;;
esac
"""
APPLIED = "echo 'mpijob.kubeflow.org/" + NAME + " created'"


@pytest.fixture(scope="module")
def d1():
    return list(load_inventory(str(ROOT / "inventories" / "examples" / "k8s-sriov-roce")).nodes)


@pytest.fixture
def manifest(d1):
    case = catalogue.default().case("nccl-sendrecv-rail")
    return launchers.mpijob_manifest(case, d1, rail="rail3", image="registry.example/bench:1", name=NAME)


def _stub(tmp_path: Path, monkeypatch, states: list[str], apply: str = APPLIED, kubectl: bool = True) -> Path:
    state = tmp_path / "state"
    state.mkdir()
    (state / "states").write_text("".join(f"{s}\n" for s in states))
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("sh", "cat", "sed", "tail", "printf"):
        if shutil.which(tool):
            os.symlink(shutil.which(tool), folder / tool)
    if kubectl:
        (folder / "kubectl").write_text(STUB.format(state=state, fixtures=FIXTURES, name=NAME, apply=apply))
        (folder / "kubectl").chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return state


def _calls(state: Path) -> list[list[str]]:
    calls, current = [], []
    for line in (state / "calls").read_text().splitlines():
        if line == "--":
            calls.append(current)
            current = []
        else:
            current.append(line)
    return calls


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _run(d1, manifest, timeout_s: float = 600) -> mpijob.JobResult:
    clock = _Clock()
    config = Kubernetes(**d1[0].vars["bringup_kubernetes"])
    return MPIJobRun(config, poll_s=5, clock=clock, sleep=clock.sleep).run(manifest, timeout_s)


def test_a_job_that_succeeds(tmp_path, monkeypatch, d1, manifest):
    state = _stub(tmp_path, monkeypatch, ["created.json", "running.json", "succeeded.json"])
    result = _run(d1, manifest)
    assert (result.name, result.namespace, result.state) == (NAME, "default", "Succeeded")
    assert result.message == "MPIJobSucceeded: MPIJob default/dp-mpijob-bert successfully completed."
    assert result.log == (FIXTURES / "launcher.log").read_text()
    assert result.seconds == 10 and result.status["replicaStatuses"] == {"Launcher": {"succeeded": 1}, "Worker": {}}
    assert json.loads((state / "applied.json").read_text()) == manifest
    assert json.loads((state / "deleted.json").read_text()) == manifest
    base = ["--request-timeout=20s", f"--kubeconfig={tmp_path}/home/.kube/gpu-a.yaml", "--context=gpu-a-admin"]
    get = [*base, "get", "mpijob", NAME, "--namespace=default", "-o", "json"]
    assert _calls(state) == [
        [*base, "apply", "-f", "-"], get, get, get,
        [*base, "logs", f"job/{NAME}-launcher", "--namespace=default", "--tail=-1"],
        [*base, "delete", "-f", "-", "--ignore-not-found=true", "--wait=false"]]


def test_the_recorded_failed_job_is_failed(tmp_path, monkeypatch, d1, manifest):
    _stub(tmp_path, monkeypatch, ["running.json", "failed.json"])
    result = _run(d1, manifest)
    assert (result.state, result.message) == ("Failed", "BackoffLimitExceeded: Job has reached the specified backoff limit")
    assert result.log.endswith("# Avg bus bandwidth    : 48.01\n#\n")


def test_a_job_that_never_starts_quotes_the_pod_events(tmp_path, monkeypatch, d1, manifest):
    state = _stub(tmp_path, monkeypatch, ["created.json"])
    with pytest.raises(MPIJobError) as err:
        _run(d1, manifest, timeout_s=20)
    assert str(err.value) == (
        "MPIJob default/dp-mpijob-bert never started within 20 s (last state Created: MPIJobCreated: MPIJob "
        "default/dp-mpijob-bert is created.); events:\n"
        "  Warning FailedScheduling (pod dp-mpijob-bert-worker-0, 3x): 0/4 nodes are available: 2 Insufficient "
        "nvidia.com/gpu, 2 Insufficient nvidia.com/sriov_rail3. preemption: 0/4 nodes are available: 4 No "
        "preemption victims found for incoming pod.")
    calls = _calls(state)
    assert sum(c[3:5] == ["get", "mpijob"] for c in calls) == 5  # t = 0, 5, 10, 15, 20
    assert ["get", "pods", "--namespace=default", f"--selector=training.kubeflow.org/job-name={NAME}",
            "-o", "json"] == calls[6][3:]
    assert calls[-1][3:6] == ["delete", "-f", "-"]


def test_a_hung_job_times_out_with_its_log(tmp_path, monkeypatch, d1, manifest):
    _stub(tmp_path, monkeypatch, ["running.json"])
    result = _run(d1, manifest, timeout_s=12)
    assert result.state == "Timeout"
    assert result.message == "still Running after 12 s (MPIJobRunning: MPIJob default/dp-mpijob-bert is running.)"
    assert result.log == (FIXTURES / "launcher.log").read_text()


def test_apply_refused_names_kubeconfig_and_context(tmp_path, monkeypatch, d1, manifest):
    refused = ("echo 'The connection to the server 198.19.0.5:6443 was refused - did you specify the right host "
               "or port?' >&2; exit 1")
    state = _stub(tmp_path, monkeypatch, ["created.json"], apply=refused)
    with pytest.raises(MPIJobError, match=(
            rf"kubectl apply of MPIJob default/{NAME} failed \(rc 1, kubeconfig ~/.kube/gpu-a.yaml, context "
            r"gpu-a-admin\): The connection to the server 198.19.0.5:6443 was refused")):
        _run(d1, manifest)
    assert json.loads((state / "deleted.json").read_text()) == manifest  # a half-applied List is cleaned up


def test_kubectl_missing(tmp_path, monkeypatch, d1, manifest):
    _stub(tmp_path, monkeypatch, ["created.json"], kubectl=False)
    with pytest.raises(MPIJobError, match=r"failed \(rc 127, .*\): kubectl: command not found on the controller"):
        _run(d1, manifest)


def test_job_state_reads_the_recordings():
    def state(name):
        return mpijob.job_state(json.loads((FIXTURES / name).read_text()))

    assert state("failed.json") == ("Failed", "BackoffLimitExceeded: Job has reached the specified backoff limit")
    assert state("succeeded.json")[0] == "Succeeded"
    assert state("running.json") == ("Running", "MPIJobRunning: MPIJob default/dp-mpijob-bert is running.")
    assert state("created.json")[0] == "Created"
    assert mpijob.job_state({"kind": "MPIJob"}) == (
        "Pending", "no condition yet (the operator has not reconciled the job)")


def test_inventory_values_never_become_options(manifest):
    argv = mpijob.kubectl(Kubernetes(kubeconfig="/etc/k", context="--all-namespaces"), "get", "mpijob")
    assert argv == ["kubectl", "--request-timeout=20s", "--kubeconfig=/etc/k", "--context=--all-namespaces",
                    "get", "mpijob"]
    bad = json.loads(json.dumps(manifest))
    bad["items"][-1]["metadata"]["name"] = "-rf"
    with pytest.raises(MPIJobError, match=r"MPIJob metadata.name '-rf' is not a Kubernetes object name"):
        mpijob.the_job(bad)
    with pytest.raises(MPIJobError, match=r"the manifest holds 0 MPIJobs, expected one"):
        mpijob.the_job({"apiVersion": "v1", "kind": "List", "items": []})


def test_kubectl_on_another_host_through_a_shell_script(tmp_path, monkeypatch, d1, manifest):
    """kubectl_host: each call becomes one script (stdin piped with printf); ~/ is that host's $HOME."""
    state = _stub(tmp_path, monkeypatch, ["running.json", "succeeded.json"])
    scripts = []

    def remote(script: str, timeout: float) -> tuple[int, str, str]:
        scripts.append(script)
        proc = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr

    clock = _Clock()
    config = Kubernetes(**d1[0].vars["bringup_kubernetes"])
    result = MPIJobRun(config, runner=mpijob.script_runner(remote), clock=clock, sleep=clock.sleep).run(manifest, 60)
    assert result.state == "Succeeded"
    assert scripts[0].startswith("printf '%s' '{\"apiVersion\": \"v1\"")
    assert scripts[0].endswith('| kubectl --request-timeout=20s --kubeconfig="$HOME"/.kube/gpu-a.yaml '
                               "--context=gpu-a-admin apply -f -")
    assert _calls(state)[0][1] == f"--kubeconfig={tmp_path}/home/.kube/gpu-a.yaml"  # expanded there, not here
    assert json.loads((state / "applied.json").read_text()) == manifest


@pytest.mark.parametrize("states, timeout_s, expected", [
    (["succeeded.json"], 60, {"rc": 0, "timed_out": False, "error": None, "stderr": ""}),
    (["failed.json"], 60, {"rc": 1, "timed_out": False, "error": None,
                           "stderr": "MPIJob default/dp-mpijob-bert failed: BackoffLimitExceeded: Job has reached "
                                     "the specified backoff limit"}),
    (["running.json"], 10, {"rc": 124, "timed_out": True,
                            "error": "killed at its 10 s timeout: MPIJob default/dp-mpijob-bert still Running after "
                                     "10 s (MPIJobRunning: MPIJob default/dp-mpijob-bert is running.) (hung benchmark)"}),
])
def test_outcomes_for_the_runner(tmp_path, monkeypatch, d1, manifest, states, timeout_s, expected):
    _stub(tmp_path, monkeypatch, states)
    clock = _Clock()
    launch = launchers.Launch("mpijob", [], "controller", manifest=manifest, timeout_s=timeout_s)
    run = mpijob.outcome_runner(Kubernetes(**d1[0].vars["bringup_kubernetes"]), clock=clock, sleep=clock.sleep)
    outcome = run(launch, float(timeout_s))
    assert {k: getattr(outcome, k) for k in expected} == expected
    assert outcome.stdout == (FIXTURES / "launcher.log").read_text()


def test_outcome_of_a_job_that_never_starts_is_an_error(tmp_path, monkeypatch, d1, manifest):
    _stub(tmp_path, monkeypatch, ["created.json"])
    clock = _Clock()
    launch = launchers.Launch("mpijob", [], "controller", manifest=manifest, timeout_s=10)
    outcome = mpijob.outcome_runner(None, clock=clock, sleep=clock.sleep)(launch, 10.0)
    assert outcome.rc is None and outcome.error.startswith("MPIJob default/dp-mpijob-bert never started within 10 s")
    assert "Warning FailedScheduling (pod dp-mpijob-bert-worker-0, 3x)" in outcome.error
