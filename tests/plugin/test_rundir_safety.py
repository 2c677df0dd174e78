"""The run directory and its reports under hostile bytes, failing disks, secrets and kills (issue 9: 6, 7, 10,
the symlink part of 4, the meta.json part of 8).

The suite-level tests run a tiny suite of our own (``<tmp>/suite/l06_host_os/test_*.py``, the plugin loaded
with ``-p bringup.plugin`` on the ``local`` inventory) so that what is hostile is exactly the message or
property under test, not a probe of this machine.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema

from bringup.cli import main as bringup
from bringup.inventory_snapshot import ini_redacted, snapshot_inventory
from bringup.redaction import REDACTED, Redactor, secret_key
from bringup.report import junit
from bringup.report.safe_text import safe_text
from bringup.rundir import RunDir, RunDirError, read_results

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parents[1] / "schemas" / "junit.xsd"))
# colour, NUL, BEL, DEL and an undecodable byte as errors="surrogateescape" keeps it
HOSTILE = "\x1b[31mFAIL\x1b[0m nul\x00 bell\x07 del\x7f byte\udcff"
HOSTILE_SHOWN = "FAIL nul\\x00 bell\\x07 del\\x7f byte\\xff"


def write_suite(tmp_path: Path, body: str) -> Path:
    suite = tmp_path / "suite" / "l06_host_os"
    suite.mkdir(parents=True)
    (suite / "test_hostile.py").write_text(textwrap.dedent(body))
    return suite


def suite_command(suite: Path, reports: Path, *args: str, inventory: str = "local") -> list[str]:
    return [sys.executable, "-m", "pytest", str(suite), "-p", "bringup.plugin", "-p", "no:cacheprovider",
            "--inventory", inventory, "--reports-dir", str(reports), "-q", *args]


def suite_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8:backslashreplace"}


def run_suite(suite: Path, reports: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(suite_command(suite, reports, *args), cwd=suite.parent, env=suite_env(),
                          capture_output=True, text=True, timeout=120)


def only_run(reports: Path) -> Path:
    runs = [p for p in reports.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(runs) == 1, runs
    return runs[0]


def meta_of(run: Path) -> dict:
    return json.loads((run / "meta.json").read_text())


# ---------------------------------------------------------------- 1. any byte


def test_safe_text_drops_colour_and_escapes_what_xml_cannot_hold():
    assert safe_text(HOSTILE) == HOSTILE_SHOWN
    assert safe_text("byte \udcff from surrogateescape, \x9b C1, \ufffe, tab\tok é") == \
        "byte \\xff from surrogateescape, \\x9b C1, \\ufffe, tab\tok é"
    assert safe_text(42) == "42"


def test_hostile_bytes_in_messages_and_properties_keep_junit_valid_and_meta_finished(tmp_path):
    suite = write_suite(tmp_path, f'''
        import pytest
        HOSTILE = {HOSTILE!r}

        def test_fails(node, record_property):
            record_property("measured", HOSTILE)
            record_property("expected", "ok\\x00")
            assert False, HOSTILE

        def test_skips(node):
            pytest.skip(HOSTILE)

        def test_passes(node):
            pass
        ''')
    proc = run_suite(suite, tmp_path / "reports")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "INTERNALERROR" not in proc.stdout + proc.stderr
    run = only_run(tmp_path / "reports")
    SCHEMA.validate(str(run / "junit.xml"))
    cases = {c.get("name"): c for c in ElementTree.parse(run / "junit.xml").getroot().iter("testcase")}
    assert cases["test_fails[localhost]"].find("failure").get("message") == HOSTILE_SHOWN
    props = junit.case_properties(junit.JUnitXml.fromfile(str(run / "junit.xml")))["test_fails[localhost]"]
    assert props["measured"] == HOSTILE_SHOWN and props["expected"] == "ok\\x00"
    assert cases["test_skips[localhost]"].find("skipped").get("message") == HOSTILE_SHOWN
    records = {r["name"]: r for r in read_results(run)}
    assert records["test_fails[localhost]"]["message"].startswith(HOSTILE)  # results.jsonl keeps the bytes
    meta = meta_of(run)
    assert meta["status"] == "finished" and meta["ended"] >= meta["started"]
    assert meta["counts"] == {"failed": 1, "skipped": 1, "passed": 1}  # "passed" is not a secret

    (run / "junit.xml").unlink()
    assert bringup(["report", str(run)]) == 0
    SCHEMA.validate(str(run / "junit.xml"))


def test_report_rebuilds_from_records_it_cannot_fully_read(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "meta.json").write_text(json.dumps({"run_id": "run", "status": "finished", "exit_status": 1}))
    lines = [
        json.dumps({"name": "t[\x1b[1mn1\x1b[0m]", "node": "n\x1b]0;owned\x07", "layer": 6, "outcome": "failed",
                    "message": "bad \x00 \udcfe bytes", "measured": "\x00"}),
        json.dumps({"name": "no_outcome", "layer": "L6"}),  # unreadable outcome and layer: an error, layer 0
        json.dumps([1, 2]),
        "not json at all \x00",
        '{"name": "cut short by a kil',
    ]
    (run / "results.jsonl").write_bytes(("\n".join(lines)).encode() + b"\n\xff\xfe garbage\n")
    assert bringup(["report", str(run)]) == 0
    SCHEMA.validate(str(run / "junit.xml"))
    root = ElementTree.parse(run / "junit.xml").getroot()
    assert [c.get("name") for c in root.iter("testcase")] == ["no_outcome", "t[n1]"]
    assert root.find(".//failure").get("message") == "bad \\x00 \\xfe bytes"
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "n\\x1b]0;owned\\x07" in out


# ---------------------------------------------------------------- 2. unwritable, full, colliding


def test_a_taken_run_id_gets_a_new_one(tmp_path):
    first = RunDir.create(tmp_path, "20260101-000000-x-abcd", {})
    second = RunDir.create(tmp_path, "20260101-000000-x-abcd", {})
    assert first.path.name == "20260101-000000-x-abcd" and second.path.name == "20260101-000000-x-abcd-2"
    assert meta_of(second.path)["run_id"] == "20260101-000000-x-abcd-2"
    assert (tmp_path / "latest").resolve() == second.path


def test_a_reports_dir_that_cannot_be_created_is_one_line_naming_it(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    with pytest.raises(RunDirError) as info:
        RunDir.create(blocker / "reports", "r1", {})
    assert str(info.value) == f"reports directory {blocker / 'reports'}: cannot create it: Not a directory"


def test_the_suites_stop_with_a_usage_error_naming_the_reports_dir(tmp_path):
    suite = write_suite(tmp_path, "def test_passes(node):\n    pass\n")
    (tmp_path / "a_file").write_text("")
    proc = run_suite(suite, tmp_path / "a_file" / "reports")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout + proc.stderr
    assert "INTERNALERROR" not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == \
        f"ERROR: reports directory {tmp_path / 'a_file' / 'reports'}: cannot create it: Not a directory"


def test_a_full_disk_keeps_every_whole_record_and_stops_appending(tmp_path, monkeypatch):
    run = RunDir.create(tmp_path, "r1", {})
    real_write = os.write
    calls = []

    def write(fd, data):  # the second record's write fills the disk half-way through the line
        calls.append(data)
        if len(calls) == 2:
            real_write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr("bringup.rundir.os.write", write)
    assert run.append_result({"name": "a", "outcome": "passed"})
    assert not run.append_result({"name": "b", "outcome": "passed"})
    assert not run.append_result({"name": "c", "outcome": "passed"})
    assert len(calls) == 2  # nothing attempted after the disk filled
    assert run.results_path.read_text() == '{"name": "a", "outcome": "passed"}\n'  # the half line is cut off
    assert run.write_errors == [f"{run.results_path}: No space left on device after 1 records; "
                                f"those are kept, later results were not recorded"]


def test_meta_json_that_cannot_be_rewritten_keeps_the_previous_one(tmp_path, monkeypatch):
    run = RunDir.create(tmp_path, "r1", {})

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_text", full)
    assert not run.finish(exit_status=0)
    monkeypatch.undo()
    assert meta_of(run.path)["status"] == "running" and not (run.path / ".meta.json.tmp").exists()
    assert run.write_errors == [f"{run.path / 'meta.json'}: not updated: No space left on device"]


def _can_mount_tmpfs() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


needs_tmpfs = pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs root and mount namespaces (tmpfs)")


def run_suite_on_tmpfs(suite: Path, reports: Path, options: str) -> subprocess.CompletedProcess:
    """The suite with --reports-dir on a fresh tmpfs of a private mount namespace (gone when it exits)."""
    reports.mkdir()
    inner = " ".join(f"'{a}'" for a in suite_command(suite, reports))
    script = f"mount -t tmpfs -o {options} tmpfs '{reports}' && {inner}; rc=$?; " \
             f"cat '{reports}'/2*/results.jsonl > '{suite.parent}/results.copy' 2>/dev/null; " \
             f"cat '{reports}'/2*/meta.json > '{suite.parent}/meta.copy' 2>/dev/null; exit $rc"
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          cwd=suite.parent, env=suite_env(), capture_output=True, text=True, timeout=120)


@needs_tmpfs
def test_a_read_only_reports_dir_is_a_usage_error(tmp_path):
    suite = write_suite(tmp_path, "def test_passes(node):\n    pass\n")
    proc = run_suite_on_tmpfs(suite, tmp_path / "reports", "ro,size=64k")
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR, proc.stdout + proc.stderr
    assert "INTERNALERROR" not in proc.stdout + proc.stderr
    assert f"ERROR: reports directory {tmp_path / 'reports'}: cannot create run directory " in proc.stderr
    assert proc.stderr.rstrip().count("Read-only file system") == 1


@needs_tmpfs
def test_a_disk_that_fills_mid_run_keeps_what_was_written_and_says_so(tmp_path):
    suite = write_suite(tmp_path, '''
        import pytest

        @pytest.mark.parametrize("i", range(150))
        def test_big_message(node, i):
            assert False, "x" * 2000
        ''')
    proc = run_suite_on_tmpfs(suite, tmp_path / "reports", "size=96k")
    out = proc.stdout + proc.stderr
    assert proc.returncode == pytest.ExitCode.TESTS_FAILED, out
    assert "INTERNALERROR" not in out and "run directory incomplete: " in out
    assert "No space left on device after " in out
    kept = (suite.parent / "results.copy").read_text().splitlines()
    assert 0 < len(kept) < 150 and all(json.loads(line)["outcome"] == "failed" for line in kept)
    assert json.loads((suite.parent / "meta.copy").read_text())["status"] in ("running", "finished")


# ---------------------------------------------------------------- 4./10. collect-only, killed runs


@pytest.mark.parametrize("option", ["--collect-only", "--setup-plan"])
def test_collect_only_writes_no_run_directory_and_keeps_latest(tmp_path, option):
    suite = write_suite(tmp_path, "def test_passes(node):\n    pass\n")
    reports = tmp_path / "reports"
    (reports / "earlier").mkdir(parents=True)
    (reports / "latest").symlink_to("earlier")
    proc = run_suite(suite, reports, option)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "test_passes[localhost]" in proc.stdout
    assert sorted(p.name for p in reports.iterdir()) == ["earlier", "latest"]
    assert os.readlink(reports / "latest") == "earlier"


SLOW_SUITE = '''
    import time

    def test_first(node):
        pass

    def test_hangs(node):
        time.sleep(60)
    '''


def start_and_kill(tmp_path: Path, signum: int) -> tuple[Path, int, str]:
    suite = write_suite(tmp_path, SLOW_SUITE)
    reports = tmp_path / "reports"
    proc = subprocess.Popen(suite_command(suite, reports), cwd=suite.parent, env=suite_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:  # until test_first is recorded: test_hangs is then sleeping
        results = list(reports.glob("*/results.jsonl"))
        if results and results[0].read_text().endswith("\n"):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signum)
    out, _ = proc.communicate(timeout=60)
    return only_run(reports), proc.returncode, out


def test_a_sigkilled_run_stays_running_and_report_says_it_never_finished(tmp_path, capsys):
    run, rc, _ = start_and_kill(tmp_path, signal.SIGKILL)
    assert rc == -signal.SIGKILL
    meta = meta_of(run)
    assert meta["status"] == "running" and meta["ended"] is None
    assert bringup(["report", str(run)]) == 0
    assert "this run never finished (killed, or still running): 1 finished checks recorded" in capsys.readouterr().out


def test_an_interrupted_run_is_marked_interrupted(tmp_path, capsys):
    run, rc, out = start_and_kill(tmp_path, signal.SIGINT)
    assert rc == pytest.ExitCode.INTERRUPTED, out
    meta = meta_of(run)
    assert meta["status"] == "interrupted" and meta["exit_status"] == 2 and meta["ended"]
    assert bringup(["report", str(run)]) == 0
    assert "run interrupted, exit status 2" in capsys.readouterr().out


# ---------------------------------------------------------------- 7. redaction by key and by value


@pytest.mark.parametrize("name, secret", [
    ("ansible_password", True), ("ansible_become_pass", True), ("ansible_ssh_pass", True),
    ("site_api_token", True), ("ssh_key", True), ("clientKey", True), ("jwt_audience", True),
    ("client-key-data", True), ("AWS_SECRET_ACCESS_KEY", True), ("vault_credentials", True),
    ("passed", False), ("bypass", False), ("passthrough", False), ("ansible_ssh_private_key_file", False),
    ("keyboard", False), ("monkey", False), ("PWD", False), ("speed_mbps", False),
])
def test_secret_names_are_whole_words(name, secret):
    assert secret_key(name) is secret


@pytest.mark.parametrize("text, redacted", [
    ("-o ProxyCommand='sshpass -p hunter22 ssh -W %h:%p jump'",
     f"-o ProxyCommand='sshpass -p {REDACTED} ssh -W %h:%p jump'"),
    ("sshpass -phunter22 ssh", f"sshpass -p{REDACTED} ssh"),
    ("HF_TOKEN=hf_abc123\nPATH=/usr/bin\n", f"HF_TOKEN={REDACTED}\nPATH=/usr/bin\n"),
    ('{"password": "x y", "passed": 3}', f'{{"password": "{REDACTED}", "passed": 3}}'),
    ("Authorization: Bearer abcdefghijkl", f"Authorization: Bearer {REDACTED}"),
    ("https://bob:pw1234@git.example.com/x", f"https://bob:{REDACTED}@git.example.com/x"),
    ("a -----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY----- z", f"a {REDACTED} z"),
    ("apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: https://k}\nusers:\n- user: {token: t}\n",
     REDACTED),
    ("id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig end", f"id {REDACTED} end"),
    ("Speed: 400000Mb/s, passed: 3", "Speed: 400000Mb/s, passed: 3"),
    (f"password: {REDACTED}", f"password: {REDACTED}"),
])
def test_secret_values_are_found_by_shape(text, redacted):
    assert Redactor(secret_env=[]).text(text) == redacted


LONG = {"word": "A" * 200_000, "dotted": "ab.cd-" * 40_000, "colons": "k:" * 100_000, "newlines": "\n" * 200_000,
        "spaces": " " * 200_000, "jwt_heads": "eyJ-" * 50_000, "url_heads": "a://b:" * 30_000,
        "pem_heads": "-----BEGIN X-----" * 10_000, "sshpass": "sshpass -p " * 20_000, "bearer": "Bearer " * 30_000,
        "kubeconfig_kinds": "kind: Config\n" * 20_000}


@pytest.mark.parametrize("shape", sorted(LONG))
def test_redaction_stays_linear_on_long_hostile_text(shape):
    started = time.perf_counter()
    Redactor(secret_env=[]).text(LONG[shape])
    assert time.perf_counter() - started < 1.0  # quadratic regexes take minutes on these


def test_site_marked_environment_is_redacted_by_name_and_value():
    redactor = Redactor(environ={"BRINGUP_SECRET_ENV": "SITE_DB, LICENSE_SERVER", "SITE_DB": "db-s3cret",
                                 "LICENSE_SERVER": "27000@lic.example"})
    assert redactor.text("SITE_DB=other\nLICENSE_SERVER=x\nlog: connecting with db-s3cret") == \
        f"SITE_DB={REDACTED}\nLICENSE_SERVER={REDACTED}\nlog: connecting with {REDACTED}"


def test_meta_and_results_are_redacted_and_passed_is_not_a_secret(tmp_path):
    redactor = Redactor(secret_env=[])
    redactor.learn("hunter2-password")  # as the inventory snapshot does for a secret key's value
    run = RunDir.create(tmp_path, "r1", {"argv": ["pytest", "--x", "sshpass -p abc123def ssh"]}, redactor)
    run.append_result({"name": "t", "outcome": "failed", "message": "login with hunter2-password refused"})
    run.finish(counts={"passed": 3, "failed": 1})
    meta = meta_of(run.path)
    assert meta["counts"] == {"passed": 3, "failed": 1} and meta["status"] == "finished"
    assert meta["argv"][-1] == f"sshpass -p {REDACTED} ssh"
    assert next(read_results(run.path))["message"] == f"login with {REDACTED} refused"


# ---------------------------------------------------------------- 7./4. the inventory snapshot


def test_snapshot_keeps_inline_vault_keys_and_copies_ini_and_extensionless_vars(tmp_path):
    source = tmp_path / "inv"
    (source / "host_vars").mkdir(parents=True)
    (source / "group_vars").mkdir()
    (source / "hosts").write_text(textwrap.dedent("""\
        # site inventory
        [gpu]
        node01 ansible_host=198.18.0.11 ansible_ssh_pass=hunter22 ansible_ssh_common_args='-o ProxyCommand="sshpass -p jump123 ssh -W %h:%p j"'
        node02 ansible_host=198.18.0.12

        [gpu:vars]
        ansible_become_pass = s3cr3tbecome
        bringup_design=D4
        """))
    (source / "host_vars" / "node02").write_text("bmc_key: abcdef12\nansible_port: 2222\n")
    (source / "group_vars" / "all.yml").write_text(textwrap.dedent("""\
        bringup_design: D4
        site_password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          62313365396662343061393464336163383764373764613633653634306231386433626436623361
        note: !unsafe '{{ not templated }}'
        """))
    redactor = Redactor(secret_env=[])
    assert snapshot_inventory(source, tmp_path / "snap", redactor) == []
    snap = tmp_path / "snap"
    assert (snap / "hosts").read_text() == textwrap.dedent(f"""\
        # site inventory
        [gpu]
        node01 ansible_host=198.18.0.11 'ansible_ssh_pass={REDACTED}' 'ansible_ssh_common_args=-o ProxyCommand="sshpass -p {REDACTED} ssh -W %h:%p j"'
        node02 ansible_host=198.18.0.12

        [gpu:vars]
        ansible_become_pass={REDACTED}
        bringup_design=D4
        """)
    assert (snap / "host_vars" / "node02").read_text() == f"bmc_key: {REDACTED}\nansible_port: 2222\n"
    assert (snap / "group_vars" / "all.yml").read_text() == \
        f"bringup_design: D4\nsite_password: {REDACTED}\nnote: '{{{{ not templated }}}}'\n"
    assert {oct(p.stat().st_mode & 0o777) for p in snap.rglob("*") if p.is_file()} == {"0o644"}
    assert redactor.text("echo hunter22 s3cr3tbecome") == f"echo {REDACTED} {REDACTED}"  # learnt values


def test_ini_lines_without_secrets_are_kept_byte_for_byte():
    text = "[all]\nn1   ansible_host=198.18.0.1  # spaced, commented\n[all:vars]\nx = 'a b'\n"
    assert ini_redacted(text, Redactor(secret_env=[])) == text


def test_snapshot_never_follows_a_symlink_and_says_so(tmp_path):
    outside = tmp_path / "shadow"
    outside.write_text("root:$6$secrethash:19000:0:99999:7:::\n")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "all.yml").write_text("leak: yes\n")
    source = tmp_path / "inv"
    (source / "group_vars").mkdir(parents=True)
    (source / "hosts.yml").write_text("all:\n  hosts:\n    n1: {}\n")
    (source / "group_vars" / "shadow").symlink_to(outside)
    (source / "host_vars").symlink_to(tmp_path / "shared")
    script = source / "dynamic.py"
    script.write_text("#!/bin/sh\necho '{}'\n")
    script.chmod(0o755)
    warnings = snapshot_inventory(source, tmp_path / "snap", Redactor(secret_env=[]))
    assert warnings == [
        f"inventory snapshot: {source / 'host_vars'} not copied (a symlink to {tmp_path / 'shared'}; "
        f"the snapshot never follows links)",
        f"inventory snapshot: {source / 'group_vars' / 'shadow'} not copied (a symlink to {outside}; "
        f"the snapshot never follows links)",
        f"inventory snapshot: {source / 'dynamic.py'} not copied (executable: an inventory script)",
    ]
    assert sorted(str(p.relative_to(tmp_path / "snap")) for p in (tmp_path / "snap").rglob("*")) == ["hosts.yml"]
    # an inventory named by its hosts file: the vars folders beside it are read, and not through a link either
    assert snapshot_inventory(source / "hosts.yml", tmp_path / "snap2", Redactor(secret_env=[])) == [
        f"inventory snapshot: {source / 'host_vars'} not copied (a symlink to {tmp_path / 'shared'}; "
        f"the snapshot never follows links)",
        f"inventory snapshot: {source / 'group_vars' / 'shadow'} not copied (a symlink to {outside}; "
        f"the snapshot never follows links)",
    ]


def test_symlink_warnings_reach_the_user_and_meta(tmp_path):
    source = tmp_path / "inv"
    shutil.copytree(ROOT / "inventories" / "local", source)
    (tmp_path / "shadow").write_text("root:$6$secrethash:19000\n")
    (source / "group_vars" / "shadow").symlink_to(tmp_path / "shadow")
    suite = write_suite(tmp_path, "def test_passes(node):\n    pass\n")
    proc = subprocess.run(suite_command(suite, tmp_path / "reports", inventory=str(source)), cwd=suite.parent, env=suite_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warning = (f"inventory snapshot: {source / 'group_vars' / 'shadow'} not copied (a symlink to "
               f"{tmp_path / 'shadow'}; the snapshot never follows links)")
    assert warning in proc.stdout
    run = only_run(tmp_path / "reports")
    assert meta_of(run)["inventory_snapshot_warnings"] == [warning]
    assert not (run / "inventory" / "group_vars" / "shadow").exists()
    assert "secrethash" not in "".join(p.read_text() for p in run.rglob("*") if p.is_file())
