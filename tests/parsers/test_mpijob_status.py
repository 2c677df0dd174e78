import json

import pytest

from bringup.parsers import ParseError, mpijob_status
from bringup.parsers.mpijob_status import Condition, ReplicaStatus
from tests.parsers.platform_fixtures import fixture


def test_v1alpha2_yaml_succeeded():
    job = mpijob_status.parse(fixture("mpijob_status", "v1alpha2_succeeded.yaml"))
    assert (job.api_version, job.name, job.namespace) == ("kubeflow.org/v1alpha2", "tensorflow-mnist", "default")
    assert job.conditions[1] == Condition("Running", "False", "MPIJobRunning", "MPIJob default/tensorflow-mnist is running.",
                                          "2020-05-15T06:05:43Z")
    assert job.state() == ("Succeeded", "MPIJobSucceeded: MPIJob default/tensorflow-mnist successfully completed.")
    assert job.replica_statuses == {"Launcher": ReplicaStatus(succeeded=1), "Worker": ReplicaStatus()}
    assert (job.start_time, job.completion_time) == ("2020-05-15T06:05:41Z", "2020-05-15T06:51:39Z")


def test_v2beta1_yaml_succeeded():
    job = mpijob_status.parse(fixture("mpijob_status", "v2beta1_succeeded.yaml"))
    assert (job.api_version, job.name, [c.type for c in job.conditions]) == (
        "kubeflow.org/v2beta1", "tensorflow-benchmarks", ["Created", "Running", "Succeeded"])
    assert job.completion_time == "2019-07-09T22:17:06Z"


def test_v1_yaml_failed_worker():
    job = mpijob_status.parse(fixture("mpijob_status", "v1_failed_worker.yaml"))
    assert job.state() == ("Failed", "MPIJobFailed: MPIJob bench/nccl-allreduce has failed")
    assert job.replica_statuses == {"Launcher": ReplicaStatus(failed=1), "Worker": ReplicaStatus(active=1, failed=1)}


def test_v2beta1_json_failed_beside_running():
    job = mpijob_status.parse(fixture("mpijob", "failed.json"))
    assert job.state() == ("Failed", "BackoffLimitExceeded: Job has reached the specified backoff limit")
    assert [(c.type, c.status) for c in job.conditions] == [("Created", "True"), ("Failed", "True"), ("Running", "True")]
    assert job.replica_statuses["Launcher"] == ReplicaStatus(failed=1)


def test_not_reconciled_yet_is_pending_and_v1alpha1_launcher_status():
    text = fixture("mpijob_status", "v2beta1_succeeded.yaml")
    assert mpijob_status.parse(text[: text.index("status:")]).state() == (
        "Pending", "no condition yet (the operator has not reconciled the job)")
    v1alpha1 = "apiVersion: kubeflow.org/v1alpha1\nkind: MPIJob\nmetadata:\n  name: tensorflow-benchmarks-16\n" \
               "spec:\n  gpus: 16\nstatus:\n  launcherStatus: Succeeded\n"
    assert mpijob_status.parse(v1alpha1).state() == ("Succeeded", "v1alpha1 status.launcherStatus")


def test_pasted_with_prompt_and_fence():
    text = "$ kubectl get mpijob tensorflow-mnist -o yaml\n```yaml\n" + fixture(
        "mpijob_status", "v1alpha2_succeeded.yaml") + "```\n"
    assert mpijob_status.parse(text).name == "tensorflow-mnist"


def test_yaml_cut_inside_a_condition_raises():
    text = fixture("mpijob_status", "v1_failed_worker.yaml")
    cut = text[: text.index("    type: Failed")]
    with pytest.raises(ParseError, match=r"MPIJob status.conditions\[2\] has no type \(output truncated\?\)"):
        mpijob_status.parse(cut)


def test_yaml_cut_mid_line_and_before_spec_raise():
    text = fixture("mpijob_status", "v1_failed_worker.yaml")
    with pytest.raises(ParseError, match="output ends mid-line"):
        mpijob_status.parse(text[: text.index("MPIJobFailed") + 5])
    with pytest.raises(ParseError, match="MPIJob nccl-allreduce has no spec .output truncated."):
        mpijob_status.parse(text[: text.index("spec:")])


def test_json_cut_raises():
    text = fixture("mpijob", "failed.json")
    with pytest.raises(ParseError, match=r"`kubectl get mpijob -o yaml\|json` JSON broken at line \d+ column \d+"):
        mpijob_status.parse(text[: len(text) // 2])


def test_wrong_object_and_bad_counts_raise():
    pods = json.dumps({"apiVersion": "v1", "kind": "List", "items": []})
    with pytest.raises(ParseError, match="printed a 'List', not an MPIJob"):
        mpijob_status.parse(pods)
    text = fixture("mpijob_status", "v1_failed_worker.yaml").replace("      failed: 1\n  start", "      failed: one\n  start")
    with pytest.raises(ParseError, match=r"MPIJob status.replicaStatuses.Worker.failed is 'one', not an integer"):
        mpijob_status.parse(text)
    with pytest.raises(ParseError, match="YAML broken at line 2 column 6: mapping values are not allowed here"):
        mpijob_status.parse("kind: MPIJob\n  bad: [\n")
