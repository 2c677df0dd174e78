from bringup.parsers import sinfo
from bringup.triage.model import Context, Finding
from bringup.triage.rules import sinfo as rule
from tests.parsers.platform_fixtures import fixture


def test_detects_both_forms_and_not_squeue():
    assert rule.detect(fixture("sinfo", "default_idle.txt"))
    assert rule.detect(fixture("sinfo", "node_long_prompt_indented.txt"))
    assert not rule.detect("JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)\n")


def test_usable_nodes_are_info():
    parsed = sinfo.parse(fixture("sinfo", "default_idle.txt"))
    assert rule.findings(parsed, Context()) == [Finding("info", "partition all", "2 node(s) idle: g-[11-12]")]


def test_down_node_fails_with_its_reason():
    parsed = sinfo.parse(fixture("sinfo", "node_long_down.txt"))
    assert rule.findings(parsed, Context()) == [
        Finding("fail", "b028", "down in partition xeon8: Node unexpectedly re")]


def test_draining_failing_and_maintenance():
    found = rule.findings(sinfo.parse(fixture("sinfo", "default_draining_fail.txt")), Context())
    assert found[:4] == [
        Finding("fail", "partition cpu", "55 node(s) drng (reboot pending): d[001-032],f[001-004,006-024]"),
        Finding("fail", "partition cpu", "1 node(s) fail (not responding): f005"),
        Finding("fail", "partition gpu", "12 node(s) drng (reboot pending): c[002,004,008-010,012,016,024-028]"),
        Finding("warn", "partition gpu", "5 node(s) maint: c[003,005,011,013,019]"),
    ]
    assert [f.severity for f in found[4:]] == ["fail", "info", "info", "info", "info"]


def test_powered_off_cloud_nodes_are_info():
    found = rule.findings(sinfo.parse(fixture("sinfo", "node_long_powered_off.txt")), Context())
    assert {f.severity for f in found} == {"info"}
    assert found[2] == Finding("info", "queue1-dy-compute-resource-1-3", "idle (powered off) in partition queue1")
