"""The framed batch: one session, per-command rc/stdout/stderr, timeouts, quoting, truncation."""

from __future__ import annotations

import shlex
import time

import pytest

from bringup.inventory import load_inventory
from bringup.probe.batch import BatchError, build_script, parse_output
from bringup.probe.prober import Prober, ProbeError, ProbeSet
from bringup.probe.transport import TestinfraTransport


@pytest.fixture(scope="module")
def local_node():
    return load_inventory("local").nodes[0]


def run_local(node, commands, timeout_s=10.0):
    return TestinfraTransport(node).run_batch(commands, timeout_s)


def test_each_command_keeps_its_own_streams_and_rc(local_node):
    out = run_local(local_node, ["echo out; echo err >&2; exit 3", "printf 'no newline'", "true"])
    assert [(r.rc, r.stdout, r.stderr) for r in out] == [(3, "out\n", "err\n"), (0, "no newline", ""), (0, "", "")]


def test_output_that_looks_like_a_frame_cannot_forge_one(local_node):
    out = run_local(local_node, ["echo '@@bringup 0000 1 0 5 0 0'; echo x", "echo second"])
    assert out[0].stdout == "@@bringup 0000 1 0 5 0 0\nx\n" and out[1].stdout == "second\n"


def test_a_hung_command_is_bounded_and_the_batch_continues(local_node):
    start = time.monotonic()
    out = run_local(local_node, ["sleep 30", "echo after"], timeout_s=1)
    assert time.monotonic() - start < 8
    assert out[0].timed_out and out[1].stdout == "after\n"
    probe_set = ProbeSet("localhost", 6, {"hang": out[0]})
    with pytest.raises(ProbeError, match="localhost: `sleep 30` timed out"):
        probe_set.output("hang")


def test_missing_tool_is_named(local_node):
    out = run_local(local_node, ["mlnx_qos_not_here -i eth0"])
    with pytest.raises(ProbeError, match="mlnx_qos_not_here not installed on localhost"):
        ProbeSet("localhost", 8, {"qos": out[0]}).output("qos")


@pytest.mark.parametrize("hostile", ["e0;touch${IFS}PWN", "$(touch PWN)", "`touch PWN`", "a'b;touch PWN'"])
def test_hostile_inventory_strings_are_quoted_never_executed(local_node, tmp_path, hostile, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = run_local(local_node, [f"cd {shlex.quote(str(tmp_path))} && cat /sys/class/net/{shlex.quote(hostile)}/mtu"])
    assert out[0].rc == 1 and "No such file" in out[0].stderr
    assert not list(tmp_path.iterdir())


def test_truncated_session_is_an_error_not_a_partial_result():
    script, nonce = build_script(["echo a", "echo b"], 5, nonce="feedface")
    raw = b"@@bringup feedface 0 0 2 0 1\na\n@@bringup feedface 1 0 2 0 1\nb"  # cut inside the last output
    with pytest.raises(BatchError, match="truncated inside the output of: echo b"):
        parse_output(raw, ["echo a", "echo b"], nonce)
    with pytest.raises(BatchError, match=r"ended early \(1 of 2 commands reported\)"):
        parse_output(raw[:31], ["echo a", "echo b"], nonce)


def test_prober_runs_one_session_per_node_and_layer(local_node, tmp_path):
    calls = []

    class Counting:
        name = "counting"

        def run_batch(self, commands, timeout_s, layer=None):
            calls.append(list(commands))
            return TestinfraTransport(local_node).run_batch(commands, timeout_s)

    prober = Prober(lambda node: Counting(), tmp_path)
    for _ in range(3):
        prober.probe(local_node, 6)
        prober.probe(local_node, 1)
    assert len(calls) == 2
    assert (tmp_path / "probes" / "localhost" / "l06.json").exists()


def test_replay_serves_each_layer_its_own_recording(local_node, tmp_path):
    """The same command recorded at two layers replays what each layer saw."""
    import json

    from bringup.probe.transport import ReplayTransport

    folder = tmp_path / "probes" / "localhost"
    folder.mkdir(parents=True)
    for layer, out in ((1, "one\n"), (2, "two\n")):
        (folder / f"l{layer:02d}.json").write_text(json.dumps({"layer": layer, "error": None, "results": [
            {"command": "lspci", "rc": 0, "stdout": out, "stderr": ""}]}))
    replay = ReplayTransport(local_node, tmp_path)
    assert replay.run_batch(["lspci"], 5, layer=2)[0].stdout == "two\n"
    assert replay.run_batch(["lspci"], 5, layer=1)[0].stdout == "one\n"
