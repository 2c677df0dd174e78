from bringup.parsers import ncclras
from bringup.triage.model import Context, Finding
from bringup.triage.rules import ncclras as rule
from tests.parsers.platform_fixtures import fixture
from tests.parsers.test_ncclras import SOURCE_FORMS

MISMATCH = fixture("ncclras", "mismatch_2.26.2_4node.txt")
HEALTHY = fixture("ncclras", "healthy_2.26.2_32node.txt")


def test_detects_ncclras_and_not_an_nccl_log():
    assert rule.detect(MISMATCH) and rule.detect(HEALTHY.replace("\n", "\r\n"))
    assert not rule.detect(fixture("nccl_log", "healthy_2node_8rail_2.23.txt"))


def test_healthy_job_is_one_info_line():
    assert rule.findings(ncclras.parse(HEALTHY), Context()) == [
        Finding("info", "job", "NCCL 2.26.2: 32 nodes, 256 processes, 256 GPUs; 1 communicators RUNNING, "
                               "no errors or warnings")]


def test_mismatch_warns_with_the_stragglers():
    assert rule.findings(ncclras.parse(MISMATCH), Context()) == [
        Finding("warn", "communicator #0-0 (fa93daea854b060b)",
                "MISMATCH: Communicator ranks have different AllGather operation counts; 30 ranks have launched up "
                "to operation 640; 2 ranks have launched up to operation 641; Rank 12 -- GPU 4 managed by process "
                "323032 on node 10.137.190.124; Rank 13 -- GPU 5 managed by process 323033 on node 10.137.190.124")]


def test_dead_process_errors_and_abort_fail():
    found = rule.findings(ncclras.parse(SOURCE_FORMS), Context())
    assert [(f.severity, f.subject, f.message.split("; ")[0]) for f in found] == [
        ("warn", "node 10.0.0.4", "runs a different number of NCCL processes than the other nodes"),
        ("fail", "communicator group 0", "1 communicator(s) of 32 ranks aborted"),
        ("fail", "job", "DEAD: 1 job process is considered dead (unreachable via the RAS network)"),
        ("fail", "communicator #0-0 (0123456789abcdef)", "INCOMPLETE: Missing communicator data from 1 rank"),
        ("fail", "communicator #0-0 (0123456789abcdef)", "ERROR: Asynchronous error on 1 rank"),
        ("warn", "job", "TIMEOUT: Encountered 2 communication timeouts while gathering communicator data"),
    ]
    assert found[3].message.endswith("Rank 31 -- GPU 7 managed by process 4108 on node 10.0.0.4")
