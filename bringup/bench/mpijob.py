"""The live path of an MPIJob launch (D1, D3, D5's Kubernetes side): apply, wait, read the launcher's log, delete.

One benchmark, start to end::

    kubectl --request-timeout=20s --kubeconfig=... --context=... apply -f -          (the manifest on stdin)
    kubectl ... get mpijob bench-nccl-alltoall-1a2b3c4d --namespace=default -o json   (every poll_s, to a deadline)
    kubectl ... logs job/bench-nccl-alltoall-1a2b3c4d-launcher --namespace=default    (the benchmark's output)
    kubectl ... delete -f - --ignore-not-found=true --wait=false                      (always)

The state comes from the MPIJob's ``status.conditions`` (kubeflow mpi-operator v2beta1: types Created, Running,
Restarting, Succeeded, Failed, Suspended; the operator may leave Running "True" beside a final Failed, as the
recorded tests/fixtures/mpijob/failed.json shows, so a final condition wins). A job that never reaches Running
before the deadline "never started": the error quotes the events of its pods (``kubectl get events
--field-selector involvedObject.name=<pod>``: FailedScheduling, image pulls, DRA claims), which say why.
A job that ran but did not finish is returned as ``Timeout`` with the log so far (a hung benchmark).

Every kubectl call is an argv list; inventory values go in ``--flag=value`` form, so none can become an option.
kubectl runs on the controller (:func:`local_runner`) or, through :func:`script_runner`, on the inventory's
``bringup_kubernetes.kubectl_host`` over its transport. :func:`outcome_runner` is the runner's ``kubectl``
hook: a JobResult becomes the run directory's Outcome (Succeeded rc 0, Failed rc 1, a hung job rc 124).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from bringup.model import Kubernetes
from bringup.parsers import mpijob_status

REQUEST_TIMEOUT = "20s"  # as bringup/probes/kubeapi.py: a silent API server answers inside the poll
POD_JOB_LABEL = "training.kubeflow.org/job-name"  # set by mpi-operator v2 on launcher and worker pods
FINAL = ("Succeeded", "Failed")
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")

Runner = Callable[[list[str], str | None, float], subprocess.CompletedProcess]


class MPIJobError(RuntimeError):
    """The job could not be applied, read or started; the message quotes kubectl or the pod events."""


@dataclass
class JobResult:
    name: str
    namespace: str
    state: str  # Succeeded | Failed | Timeout
    message: str  # the deciding condition's message, or why it timed out
    log: str  # the launcher's output: what the benchmark printed
    seconds: float
    status: dict[str, Any] = field(default_factory=dict)


def local_runner(argv: list[str], stdin: str | None, timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError:
        return subprocess.CompletedProcess(argv, 127, "", f"{argv[0]}: command not found on the controller")
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, 124, "", f"{argv[0]} did not answer within {timeout:.0f} s")


def script_runner(run: Callable[[str, float], tuple[int, str, str]]) -> Runner:
    """A runner through a transport that takes one shell script (kubectl on ``bringup_kubernetes.kubectl_host``):
    every word quoted, stdin piped in with printf, and a kubeconfig under ``~/`` left to that host's $HOME."""
    def runner(argv: list[str], stdin: str | None, timeout: float) -> subprocess.CompletedProcess:
        words = []
        for arg in argv:
            if arg.startswith("--kubeconfig=~/"):
                words.append('--kubeconfig="$HOME"/' + shlex.quote(arg.removeprefix("--kubeconfig=~/")))
            else:
                words.append(shlex.quote(arg))
        line = " ".join(words)
        if stdin is not None:
            line = f"printf '%s' {shlex.quote(stdin)} | {line}"
        rc, out, err = run(line, timeout)
        return subprocess.CompletedProcess(argv, rc, out, err)
    return runner


def kubectl(config: Kubernetes | None, *args: str, expand_home: bool = True) -> list[str]:
    """kubectl with the inventory's kubeconfig and context (``~/`` is the controller's home, or left for the
    kubectl host's shell with ``expand_home=False``)."""
    argv = ["kubectl", f"--request-timeout={REQUEST_TIMEOUT}"]
    if config and config.kubeconfig:
        path = os.path.expanduser(config.kubeconfig) if expand_home else config.kubeconfig
        argv.append(f"--kubeconfig={path}")
    if config and config.context:
        argv.append(f"--context={config.context}")
    return argv + list(args)


def the_job(manifest: dict[str, Any]) -> dict[str, Any]:
    """The MPIJob in a manifest (itself, or the one item of kind MPIJob in a v1 List)."""
    items = manifest.get("items") if manifest.get("kind") == "List" else [manifest]
    jobs = [i for i in items or [] if i.get("kind") == "MPIJob"]
    if len(jobs) != 1:
        raise MPIJobError(f"the manifest holds {len(jobs)} MPIJobs, expected one")
    meta = jobs[0].get("metadata") or {}
    for key in ("name", "namespace"):
        if not _NAME.match(str(meta.get(key, ""))):
            raise MPIJobError(f"MPIJob metadata.{key} {meta.get(key)!r} is not a Kubernetes object name")
    return jobs[0]


def job_state(obj: dict[str, Any]) -> tuple[str, str]:
    """(state, message) from ``kubectl get mpijob -o json``: a final True condition first, then Running,
    Created; Pending before the operator wrote any. The same reading as ``bringup parse mpijob`` of a capture
    (bringup/parsers/mpijob_status.py)."""
    try:
        return mpijob_status.job_state(mpijob_status.conditions_of(obj.get("status")))
    except mpijob_status.ParseError as exc:  # conditions of another shape than the operator writes
        raise MPIJobError(f"MPIJob status unreadable: {exc}") from None


def format_events(events: dict[str, Any]) -> list[str]:
    """``Warning FailedScheduling (pod x, 3x): 0/4 nodes are available: ...`` per event, oldest first."""
    lines = []
    items = sorted(events.get("items") or [],
                   key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or e.get("firstTimestamp") or ""))
    for event in items:
        obj = event.get("involvedObject") or {}
        count = event.get("count")
        where = f"{str(obj.get('kind', '')).lower()} {obj.get('name', '?')}".strip()
        times = f", {count}x" if count and count > 1 else ""
        lines.append(f"{event.get('type', '')} {event.get('reason', '')} ({where}{times}): "
                     f"{str(event.get('message', '')).strip()}".strip())
    return lines


class MPIJobRun:
    """One MPIJob through kubectl; ``runner``, ``clock`` and ``sleep`` are seams for tests."""

    def __init__(self, config: Kubernetes | None = None, *, runner: Runner = local_runner,
                 poll_s: float = 5.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.config, self.runner, self.poll_s, self.clock, self.sleep = config, runner, poll_s, clock, sleep
        self.local = runner is local_runner

    def _kubectl(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return self.runner(kubectl(self.config, *args, expand_home=self.local), stdin, 60.0)

    def _where(self) -> str:
        config = self.config or Kubernetes()
        return (f"kubeconfig {config.kubeconfig or 'kubectl default ($KUBECONFIG or ~/.kube/config)'}, "
                f"context {config.context or '(current-context)'}")

    def _json(self, *args: str) -> dict[str, Any]:
        proc = self._kubectl(*args, "-o", "json")
        if proc.returncode != 0:
            raise MPIJobError(f"kubectl {' '.join(args)} failed (rc {proc.returncode}, {self._where()}): "
                              f"{proc.stderr.strip() or proc.stdout.strip()}")
        try:
            return json.loads(proc.stdout)
        except json.JSONDecodeError as exc:
            raise MPIJobError(f"kubectl {' '.join(args)} printed no JSON ({exc.msg} at line {exc.lineno}): "
                              f"{proc.stdout[:200]!r}") from None

    def events(self, name: str, namespace: str) -> list[str]:
        """The events of the job's pods (and of the MPIJob itself), for a job that never started."""
        pods = self._json("get", "pods", f"--namespace={namespace}", f"--selector={POD_JOB_LABEL}={name}")
        subjects = [p["metadata"]["name"] for p in pods.get("items") or [] if p.get("metadata", {}).get("name")]
        lines: list[str] = []
        for subject in [name, *subjects]:
            found = self._json("get", "events", f"--namespace={namespace}",
                               f"--field-selector=involvedObject.name={subject}")
            lines += format_events(found)
        return lines

    def log(self, name: str, namespace: str) -> str:
        proc = self._kubectl("logs", f"job/{name}-launcher", f"--namespace={namespace}", "--tail=-1")
        return proc.stdout if proc.returncode == 0 else proc.stdout + proc.stderr

    def delete(self, manifest: dict[str, Any]) -> None:
        self._kubectl("delete", "-f", "-", "--ignore-not-found=true", "--wait=false", stdin=json.dumps(manifest))

    def run(self, manifest: dict[str, Any], timeout_s: float) -> JobResult:
        """Apply, wait until a final condition or ``timeout_s``, read the launcher's log; always delete."""
        job = the_job(manifest)
        name, namespace = job["metadata"]["name"], job["metadata"]["namespace"]
        start = self.clock()
        try:
            applied = self._kubectl("apply", "-f", "-", stdin=json.dumps(manifest))
            if applied.returncode != 0:
                raise MPIJobError(f"kubectl apply of MPIJob {namespace}/{name} failed (rc {applied.returncode}, "
                                  f"{self._where()}): {applied.stderr.strip() or applied.stdout.strip()}")
            return self._wait(name, namespace, start, timeout_s)
        finally:
            # Also after a failed apply: a List may have been half created (the claim template, not the job).
            self.delete(manifest)

    def _wait(self, name: str, namespace: str, start: float, timeout_s: float) -> JobResult:
        started = False
        state, message, obj = "Pending", "", {}
        while True:
            obj = self._json("get", "mpijob", name, f"--namespace={namespace}")
            state, message = job_state(obj)
            started = started or state in ("Running", "Restarting", *FINAL)
            elapsed = self.clock() - start
            if state in FINAL:
                return JobResult(name, namespace, state, message, self.log(name, namespace), elapsed,
                                 obj.get("status") or {})
            if elapsed >= timeout_s:
                break
            self.sleep(min(self.poll_s, max(0.0, timeout_s - elapsed)))
        if not started:
            events = self.events(name, namespace)
            quoted = "\n  ".join(events) if events else "(no events recorded for the job or its pods)"
            raise MPIJobError(f"MPIJob {namespace}/{name} never started within {timeout_s:.0f} s "
                              f"(last state {state}: {message}); events:\n  {quoted}")
        return JobResult(name, namespace, "Timeout", f"still {state} after {timeout_s:.0f} s ({message})",
                         self.log(name, namespace), self.clock() - start, obj.get("status") or {})


def outcome_runner(config: Kubernetes | None, **options: Any) -> Callable[[Any, float], Any]:
    """``BenchRunner(kubectl=...)``: a Launch of kind mpijob -> the run directory's Outcome. The launcher's log
    is the benchmark output; a Failed job keeps it (NCCL WARN lines say why); a hung one is a timeout."""
    from bringup.bench.store import Outcome
    from bringup.probe.batch import TIMEOUT_RC

    def run(launch: Any, timeout_s: float) -> Any:
        try:
            result = MPIJobRun(config, **options).run(launch.manifest, timeout_s)
        except MPIJobError as exc:
            return Outcome(None, error=str(exc))
        where = f"MPIJob {result.namespace}/{result.name}"
        if result.state == "Succeeded":
            return Outcome(0, result.log, seconds=round(result.seconds, 3))
        if result.state == "Timeout":
            return Outcome(TIMEOUT_RC, result.log, result.message, round(result.seconds, 3), timed_out=True,
                           error=f"killed at its {timeout_s:g} s timeout: {where} {result.message} (hung benchmark)")
        return Outcome(1, result.log, f"{where} failed: {result.message}", round(result.seconds, 3))
    return run
