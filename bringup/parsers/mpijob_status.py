"""An MPIJob's status from ``kubectl get mpijob NAME -o yaml`` or ``-o json`` (kubeflow mpi-operator, API versions
kubeflow.org/v1alpha2, v1 and v2beta1; they share the kubeflow common JobStatus). Abridged example::

    apiVersion: kubeflow.org/v2beta1
    kind: MPIJob
    metadata: {name: tensorflow-benchmarks, namespace: default}
    status:
      completionTime: "2019-07-09T22:17:06Z"
      conditions:
      - {type: Created, status: "True", reason: MPIJobCreated, message: MPIJob default/... is created.}
      - {type: Running, status: "False", reason: MPIJobRunning, message: ...}
      - {type: Succeeded, status: "True", reason: MPIJobSucceeded, message: ... successfully completed.}
      replicaStatuses: {Launcher: {succeeded: 1}, Worker: {}}
      startTime: "2019-07-09T22:15:51Z"

The job's state is the first True condition among Succeeded, Failed, Running, Restarting, Created, Suspended:
a final one wins because the operator may leave ``Running: True`` beside the final ``Failed: True``
(tests/fixtures/mpijob/failed.json); with no condition yet the job is Pending. The live path
(bringup/bench/mpijob.py) reads the state through :func:`job_state`, so a capture and a run agree.
v1alpha1's ``status.launcherStatus`` (Succeeded/Failed/Active) is read where there are no conditions.

A JSON document proves its own end; YAML does not, so the output must end with a newline, each condition
must have its type and status, and each replica count must be a whole number: a YAML cut inside the status
fails. (A YAML cut exactly before ``status:`` reads as a job the operator has not reconciled yet.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import yaml

from bringup.parsers import jsonout, kubejson
from bringup.parsers.common import ParseError, require_whole_last_line, strip_capture

TOOL = "mpijob"
WHAT = "kubectl get mpijob -o yaml|json"
STATES = ("Succeeded", "Failed", "Running", "Restarting", "Created", "Suspended")  # first True one wins
FINAL = ("Succeeded", "Failed")
REPLICA_COUNTS = ("active", "succeeded", "failed")


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: older kubectl prints RFC 3339 times unquoted, and they stay
    the strings the API serves instead of becoming datetime objects."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


@dataclass(frozen=True)
class Condition:
    type: str
    status: str  # "True" | "False" | "Unknown"
    reason: str | None = None
    message: str | None = None
    last_transition_time: str | None = None


@dataclass(frozen=True)
class ReplicaStatus:
    """The counts the operator wrote; None where it wrote none (``Worker: {}``), which counts as 0."""

    active: int | None = None
    succeeded: int | None = None
    failed: int | None = None


@dataclass(frozen=True)
class MPIJobStatus:
    name: str
    namespace: str | None
    api_version: str
    conditions: tuple[Condition, ...] = ()
    replica_statuses: dict[str, ReplicaStatus] = field(default_factory=dict)
    start_time: str | None = None
    completion_time: str | None = None
    launcher_status: str | None = None  # v1alpha1 only

    def state(self) -> tuple[str, str]:
        """(state, "reason: message") of the deciding condition; not a field, so a shorter capture never
        reads as a changed value, only as a job seen earlier."""
        if not self.conditions and self.launcher_status:
            return self.launcher_status, "v1alpha1 status.launcherStatus"
        return job_state(self.conditions)


def job_state(conditions: Iterable[Condition]) -> tuple[str, str]:
    """(state, detail) from the job's conditions: a final True condition first, then Running, Restarting,
    Created, Suspended; Pending before the operator wrote any."""
    by_type = {c.type: c for c in conditions if c.status == "True"}
    for state in STATES:
        if state in by_type:
            cond = by_type[state]
            return state, ": ".join(part for part in (cond.reason, cond.message) if part)
    return "Pending", "no condition yet (the operator has not reconciled the job)"


def conditions_of(status: Any) -> tuple[Condition, ...]:
    """The conditions of a ``status`` object, each checked to carry a type and a status."""
    status = kubejson.mapping(status, "MPIJob status")
    raw = status.get("conditions") or []
    if not isinstance(raw, list):
        raise ParseError(f"MPIJob status.conditions is not a list: {str(raw)[:80]!r}")
    out = []
    for index, cond in enumerate(raw):
        where = f"MPIJob status.conditions[{index}]"
        cond = kubejson.mapping(cond, where)
        for key in ("type", "status"):
            if not isinstance(cond.get(key), str) or not cond[key]:
                raise ParseError(f"{where} has no {key} (output truncated?): {str(cond)[:120]!r}")
        if cond["status"] not in ("True", "False", "Unknown"):
            raise ParseError(f"{where} status is {cond['status']!r}, not True/False/Unknown")
        texts = {key: cond.get(key) for key in ("reason", "message", "lastTransitionTime")}
        for key, value in texts.items():
            if value is not None and not isinstance(value, str):
                raise ParseError(f"{where} {key} is {value!r}, not a string")
        out.append(Condition(cond["type"], cond["status"], texts["reason"], texts["message"],
                             texts["lastTransitionTime"]))
    return tuple(out)


def from_object(obj: dict[str, Any]) -> MPIJobStatus:
    """An MPIJob object as the API serves it (the decoded ``-o json``/``-o yaml``)."""
    if not isinstance(obj, dict):
        raise ParseError(f"`{WHAT}` printed a {type(obj).__name__}, not an object")
    if obj.get("kind") != "MPIJob":
        raise ParseError(f"`{WHAT}` printed a {obj.get('kind')!r}, not an MPIJob")
    api = obj.get("apiVersion")
    if not isinstance(api, str) or not api.startswith("kubeflow.org/"):
        raise ParseError(f"MPIJob apiVersion {api!r} is not kubeflow.org/<version>")
    meta = kubejson.mapping(obj.get("metadata"), "MPIJob metadata")
    if not isinstance(meta.get("name"), str) or not meta["name"]:
        raise ParseError("MPIJob has no metadata.name (output truncated?)")
    if "spec" not in obj:
        raise ParseError(f"MPIJob {meta['name']} has no spec (output truncated)")
    status = kubejson.mapping(obj.get("status"), f"MPIJob {meta['name']} status")
    replicas = {}
    for role, counts in kubejson.mapping(status.get("replicaStatuses"), "MPIJob status.replicaStatuses").items():
        counts = kubejson.mapping(counts, f"MPIJob status.replicaStatuses.{role}")
        replicas[str(role)] = ReplicaStatus(**{
            key: jsonout.integer(counts[key], f"MPIJob status.replicaStatuses.{role}.{key}")
            for key in REPLICA_COUNTS if key in counts})
    times = {key: status.get(key) for key in ("startTime", "completionTime", "launcherStatus")}
    for key, value in times.items():
        if value is not None and not isinstance(value, str):
            raise ParseError(f"MPIJob status.{key} is {value!r}, not a string")
    namespace = meta.get("namespace")
    return MPIJobStatus(meta["name"], namespace if isinstance(namespace, str) else None, api,
                        conditions_of(status), replicas, times["startTime"], times["completionTime"],
                        times["launcherStatus"])


@jsonout.shape_checked(WHAT)
def parse(text: str) -> MPIJobStatus:
    text = strip_capture(text)  # the prompt line or Markdown fence of a pasted capture
    if text.lstrip().startswith("{"):
        return from_object(kubejson.load(text, WHAT))
    require_whole_last_line(text)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ParseError(f"`{WHAT}` YAML broken{where}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise ParseError(f"`{WHAT}` printed no YAML mapping: {text.strip()[:120]!r}")
    return from_object(data)
