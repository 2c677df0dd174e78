"""Every probe session is bounded and leaves nothing behind (issue 9, items 5 and 8).

node02 of a pair of real sshd nodes authenticates and then never answers (``ForceCommand sleep``): the run
names it within probe timeout + 5 s and finishes node01. A run killed mid-batch leaves neither the running
command nor its ``bringup.*`` folder on the node.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from bringup.inventory import ansible_source, load_inventory
from bringup.probe import transport as transport_module
from bringup.probe.batch import build_script, parse_output
from bringup.probe.session import Bound, SessionExpired, run_process
from bringup.probe.transport import SessionTimedOut, TestinfraTransport
from tests import sshd_nodes
from tests.scenario_tools import ROOT, run_suites

needs_sshd = pytest.mark.skipif(sshd_nodes.available() is not None, reason=str(sshd_nodes.available()))

SILENT_S = 40  # node02's ForceCommand: longer than any bound below, short enough to leave no lasting process


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """node01 healthy; node02 logs in, then runs ``sleep`` whatever was asked (a hung login shell)."""
    root = tmp_path_factory.mktemp("bounded")
    nodes = sshd_nodes.SshdNodes(root / "ssh", 2).start()
    config = nodes.root / "node02" / "sshd_config"
    nodes.stop("node02")
    config.write_text(config.read_text() + f"ForceCommand sleep {SILENT_S}\n")
    nodes.procs["node02"] = subprocess.Popen([sshd_nodes.SSHD, "-D", "-e", "-f", str(config)],
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nodes._wait(nodes.address(1))
    inventory = nodes.write_inventory(root / "inv")
    yield {n.name: n for n in load_inventory(str(inventory)).nodes}, inventory
    nodes.stop()


def alive(pid: int) -> bool:
    """A killed process can stay a zombie here (PID 1 does not reap); it runs nothing."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def test_the_bound_is_per_answer_and_per_batch():
    bound = Bound(30, 14)
    assert (bound.answer_s, bound.total_s) == (35, 14 * (30 + 2) + 5)  # timeout -k 2: a command's longest run
    assert bound.deadline(started=0, last_answer=0) == 35
    assert bound.deadline(started=0, last_answer=440) == 453
    assert str(bound.expired(0, 0)) == "no answer within 35 s (probe timeout 30 s + 5 s)"
    assert str(bound.expired(0, 440)) == ("session still running after 453 s, longer than 14 commands can take "
                                          "(probe timeout 30 s + 2 s each, + 5 s)")


def test_a_batch_longer_than_one_answer_completes():
    """Each answer resets the wait: three commands of 0.9 s outlast one answer's 1.5 s and still complete."""
    commands = ["sleep 0.9; echo one", "sleep 0.9; echo two", "sleep 0.9; echo three"]
    script, nonce = build_script(commands, 1, watch_stdin=True)
    rc, out, _ = run_process("sh -c " + shlex.quote(script), Bound(1, 3, margin_s=0.5))
    assert rc == 0 and [r.stdout for r in parse_output(out, commands, nonce)] == ["one\n", "two\n", "three\n"]


def test_a_session_that_keeps_talking_is_stopped_at_what_its_batch_can_take():
    start = time.monotonic()
    with pytest.raises(SessionExpired, match=r"^session still running after 3 s, longer than 1 command can take"):
        run_process("while :; do echo x; sleep 0.2; done", Bound(0.5, 1, margin_s=0.5))
    assert 3 <= time.monotonic() - start < 6


@needs_sshd
@pytest.mark.parametrize("backend", ["ssh", "paramiko", "ansible"])
def test_a_node_that_never_answers_is_named_within_the_bound(cluster, backend):
    nodes, inventory = cluster
    start = time.monotonic()
    with pytest.raises(SessionTimedOut, match=r"^node02: no answer within 6 s \(probe timeout 1 s \+ 5 s\)$"):
        TestinfraTransport(nodes["node02"], backend, ansible_source(inventory)).run_batch(["echo hi"], 1)
    assert 6 <= time.monotonic() - start < 11  # the bound, plus at most the grace to stop the session
    healthy = TestinfraTransport(nodes["node01"], backend, ansible_source(inventory)).run_batch(["echo hi"], 1)
    assert healthy[0].stdout == "hi\n"


@needs_sshd
def test_a_suite_run_finishes_the_others_and_records_the_silent_node(cluster, tmp_path):
    _, inventory = cluster
    start = time.monotonic()
    records, proc = run_suites(tmp_path, "--inventory", str(inventory), "--transport", "ssh",
                               "--probe-timeout", "2", "--layers", "6", timeout=150)
    assert time.monotonic() - start < 60, proc.stdout[-2000:]
    silent = [r for r in records if r["node"] == "node02"]
    assert silent and {r["outcome"] for r in silent} == {"error"}, proc.stdout[-2000:]
    assert all("node02: no answer within 7 s (probe timeout 2 s + 5 s)" in r["message"] for r in silent)
    assert "passed" in {r["outcome"] for r in records if r["node"] == "node01"}
    run = next(p for p in tmp_path.iterdir() if p.is_dir() and p.name != "latest")
    recorded = json.loads((run / "probes" / "node02" / "l06.json").read_text())
    assert recorded["error"] == "node02: no answer within 7 s (probe timeout 2 s + 5 s)"


@pytest.mark.parametrize("backend", ["ssh", "paramiko"])
def test_a_server_that_never_sends_its_banner_is_bounded_too(backend):
    """The connection is part of the bound: a port that accepts and then says nothing (no SSH banner)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()  # the kernel completes the handshake; nobody ever answers
        conn = SimpleNamespace(kind=backend, host="127.0.0.1", port=server.getsockname()[1], user=None,
                               ssh_args=(), identity_file=None)
        start = time.monotonic()
        with pytest.raises(SessionTimedOut, match=r"^mute: no answer within 6 s \(probe timeout 1 s \+ 5 s\)$"):
            TestinfraTransport(SimpleNamespace(name="mute", connection=conn), backend).run_batch(["true"], 1)
        assert time.monotonic() - start < 11


def test_a_local_session_that_never_answers_is_stopped(tmp_path, monkeypatch):
    """The local backend's session is a shell of ours: past the bound its whole process group is killed."""
    pid_file = tmp_path / "pid"
    monkeypatch.setattr(transport_module, "build_script",
                        lambda commands, timeout_s, watch_stdin=False:
                        (f"echo $$ > {shlex.quote(str(pid_file))}; sleep 60; echo", "nonce"))
    node = load_inventory("local").nodes[0]
    start = time.monotonic()
    with pytest.raises(SessionTimedOut, match=r"^localhost: no answer within 6 s \(probe timeout 1 s \+ 5 s\)$"):
        TestinfraTransport(node).run_batch(["true"], 1)
    assert time.monotonic() - start < 11
    assert not alive(int(pid_file.read_text()))


# The probe command a killed run leaves running: it tells the test where its output goes (the batch's
# folder) and its pid (exec keeps it), then sleeps past the test.
KILLED_BATCH = """
import sys
from pathlib import Path
from bringup.inventory import ansible_source, load_inventory
from bringup.probe.transport import TestinfraTransport
inventory, name, backend, command = sys.argv[1:]
node = next(n for n in load_inventory(inventory).nodes if n.name == name)
TestinfraTransport(node, backend, ansible_source(Path(inventory))).run_batch([command], 30)
"""


def kill_mid_batch(tmp_path: Path, inventory: str, name: str, backend: str) -> tuple[Path, int]:
    mark = tmp_path / "mark"
    command = (f'w=$(readlink /proc/$$/fd/1); echo "$w $$" > {shlex.quote(str(mark))}.tmp; '
               f"mv {shlex.quote(str(mark))}.tmp {shlex.quote(str(mark))}; exec sleep 30")
    run = subprocess.Popen([sys.executable, "-c", KILLED_BATCH, inventory, name, backend, command], cwd=ROOT,
                           start_new_session=True)
    deadline = time.monotonic() + 20
    while not mark.exists():
        assert run.poll() is None and time.monotonic() < deadline, "the batch never started its command"
        time.sleep(0.05)
    output, pid = mark.read_text().split()
    folder = Path(output).parent
    assert folder.name.startswith("bringup.") and folder.is_dir() and alive(int(pid))
    os.killpg(run.pid, signal.SIGKILL)  # the run and everything in its process group, as a SIGKILL'd CI job
    run.wait()
    return folder, int(pid)


def assert_nothing_left(folder: Path, pid: int) -> None:
    deadline = time.monotonic() + 5
    while (folder.exists() or alive(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid), f"probe command {pid} still running after its run was killed"
    assert not folder.exists(), f"{folder} left behind by a killed run"


@needs_sshd
@pytest.mark.parametrize("backend", ["ssh", "paramiko", "ansible"])
def test_a_killed_run_leaves_nothing_on_the_node(cluster, tmp_path, backend):
    _, inventory = cluster
    assert_nothing_left(*kill_mid_batch(tmp_path, str(inventory), "node01", backend))


def test_a_killed_local_run_leaves_nothing_behind(tmp_path):
    assert_nothing_left(*kill_mid_batch(tmp_path, "local", "localhost", "local"))
