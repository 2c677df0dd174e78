from bringup.parsers import mpijob_status
from bringup.triage.model import Context, Finding
from bringup.triage.rules import mpijob as rule
from tests.parsers.platform_fixtures import fixture


def test_detects_yaml_and_json_mpijobs_only():
    assert rule.detect(fixture("mpijob_status", "v1alpha2_succeeded.yaml"))
    assert rule.detect(fixture("mpijob", "failed.json"))
    assert not rule.detect(fixture("mpijob", "pods-pending.json"))


def test_succeeded_job_is_info():
    parsed = mpijob_status.parse(fixture("mpijob_status", "v2beta1_succeeded.yaml"))
    assert rule.findings(parsed, Context()) == [Finding(
        "info", "MPIJob default/tensorflow-benchmarks",
        "Succeeded: MPIJobSucceeded: MPIJob default/tensorflow-benchmarks successfully completed.")]


def test_failed_job_fails_with_message_and_failed_pods():
    parsed = mpijob_status.parse(fixture("mpijob_status", "v1_failed_worker.yaml"))
    assert rule.findings(parsed, Context()) == [
        Finding("fail", "MPIJob bench/nccl-allreduce", "Failed: MPIJobFailed: MPIJob bench/nccl-allreduce has failed"),
        Finding("fail", "MPIJob bench/nccl-allreduce Launcher", "1 launcher pod(s) failed (0 active)"),
        Finding("fail", "MPIJob bench/nccl-allreduce Worker", "1 worker pod(s) failed (1 active)"),
    ]


def test_running_job_warns():
    parsed = mpijob_status.parse(fixture("mpijob", "running.json"))
    assert rule.findings(parsed, Context()) == [Finding(
        "warn", "MPIJob default/dp-mpijob-bert", "not finished: Running (MPIJobRunning: MPIJob default/dp-mpijob-bert is running.)")]
