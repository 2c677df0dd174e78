"""No path built from a node name or probe key leaves the run directory (issue 9, item 4): not in a live run's
recording, not in replay, not when assembling captures, and not through a crafted run directory's symlinks."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from bringup.probe.batch import CommandResult
from bringup.probe.paths import PathEscape, probe_folder
from bringup.probe.prober import Prober
from bringup.probe.recording import _read
from bringup.probe.transport import ReplayTransport
from bringup.probes import Probe


class Echo:
    name = "echo"

    def run_batch(self, commands, timeout_s, layer=None):
        return [CommandResult(c, 0, "ok\n", "") for c in commands]


def recording(layer=1):
    return json.dumps({"layer": layer, "error": None, "results": [
        {"command": "uname -r", "rc": 0, "stdout": "stolen\n", "stderr": ""}]})


@pytest.fixture
def one_probe(monkeypatch):
    monkeypatch.setattr("bringup.probe.prober.plan_for", lambda node, layer: [Probe("uname", "uname -r")])


def test_a_live_run_never_writes_outside_its_probes_folder(tmp_path, one_probe):
    run = tmp_path / "run"
    run.mkdir()
    prober = Prober(lambda n: Echo(), run)
    with pytest.raises(PathEscape, match=r"node '\.\./\.\./outside': .*run/probes/\.\./\.\./outside resolves to "):
        prober.probe(SimpleNamespace(name="../../outside"), 1)
    assert not (tmp_path / "outside").exists()
    assert prober.probe(SimpleNamespace(name="node01"), 1).output("uname") == "ok\n"  # a sane name still records
    assert (run / "probes" / "node01" / "l01.json").exists()


def test_a_node_named_probes_itself_is_refused(tmp_path):
    with pytest.raises(PathEscape, match=r"node '\.'"):
        probe_folder(tmp_path, ".")


def test_replay_never_reads_outside_the_run_directory(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "l01.json").write_text(recording())
    run = tmp_path / "run"
    (run / "probes").mkdir(parents=True)
    with pytest.raises(PathEscape, match=r"node '\.\./\.\./outside'"):
        ReplayTransport(SimpleNamespace(name="../../outside"), run)


def test_a_crafted_run_directory_cannot_point_a_node_folder_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "l01.json").write_text(recording())
    run = tmp_path / "run"
    (run / "probes").mkdir(parents=True)
    (run / "probes" / "node01").symlink_to(outside)
    with pytest.raises(PathEscape, match=r"node 'node01': .*probes/node01 resolves to .*/outside, not inside"):
        ReplayTransport(SimpleNamespace(name="node01"), run)


def test_a_crafted_recording_cannot_be_a_symlink_out(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(recording())
    folder = tmp_path / "run" / "probes" / "node01"
    folder.mkdir(parents=True)
    (folder / "l01.json").symlink_to(secret)
    with pytest.raises(PathEscape, match=r"node 'node01': .*l01\.json resolves to .*secret\.json"):
        ReplayTransport(SimpleNamespace(name="node01"), tmp_path / "run")


def test_a_healthy_recording_replays(tmp_path):
    folder = tmp_path / "run" / "probes" / "node01"
    folder.mkdir(parents=True)
    (folder / "l01.json").write_text(recording())
    replay = ReplayTransport(SimpleNamespace(name="node01"), tmp_path / "run")
    assert replay.run_batch(["uname -r"], 5, layer=1)[0].stdout == "stolen\n"


def test_assembling_captures_never_reads_outside_the_capture_folder(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "uname.out").write_text("secret\n")
    captures = tmp_path / "captures"
    (captures / "node01").mkdir(parents=True)
    (captures / "node01" / "uname.out").write_text("6.1.0\n")
    with pytest.raises(PathEscape, match=r"node '\.\./outside'"):
        _read(captures, "../outside", "uname")
    assert _read(captures, "node01", "uname") == ("6.1.0\n", "", 0)
