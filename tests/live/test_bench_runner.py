"""The benchmark runner's live path on this machine: real iperf3 over loopback through the local transport, a
hung benchmark killed at its timeout, a missing binary named with its node; and the record it leaves."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from bringup.bench import catalogue, outputs, plan
from bringup.bench.runner import BenchRunner
from bringup.bench.store import BenchStore
from bringup.inventory import load_inventory
from bringup.probe.transport import TestinfraTransport


def _cluster(tmp_path: Path, addresses: tuple[str, str] = ("127.0.0.2/8", "127.0.0.3/8")):
    """Two nodes on this machine (local transport), one rail each on a loopback address: a lab-profile pair."""
    inv = tmp_path / "inventory"
    (inv / "group_vars").mkdir(parents=True)
    (inv / "host_vars").mkdir()
    (inv / "hosts.yml").write_text(textwrap.dedent("""\
        all:
          hosts:
            nodea: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}
            nodeb: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}
        """))
    (inv / "group_vars" / "all.yml").write_text(textwrap.dedent("""\
        bringup_design: baremetal-mpi-roce
        bringup_profile: lab
        bringup_hardware: {gpus: 0, nics: 0, bmc: false}
        """))
    for name, address in zip(("nodea", "nodeb"), addresses):
        (inv / "host_vars" / f"{name}.yml").write_text(
            f"bringup_rails:\n- {{name: rail1, netdev: lo, address: {address}}}\n")
    return load_inventory(str(inv))


def _run(cluster, tmp_path: Path, case: catalogue.Case):
    nodes = list(cluster.nodes)
    planned = [p for p in plan.plan_case(case, nodes) if p.skip is None]
    assert len(planned) == 1, planned
    store = BenchStore(tmp_path / "run")
    runner = BenchRunner(lambda node: TestinfraTransport(node), store)
    recorded = runner.run(plan.rounds(planned), {n.name: n for n in nodes})
    return planned[0], recorded[planned[0].id], store


@pytest.mark.skipif(shutil.which("iperf3") is None, reason="iperf3 not installed (.ci/run installs it)")
def test_iperf3_pair_runs_for_real_and_is_recorded(tmp_path):
    cluster = _cluster(tmp_path)
    case = catalogue.default().case("iperf3-rail").model_copy(update={"args": ("-t", "1", "-J"), "pairing": "matching"})
    run, recorded, store = _run(cluster, tmp_path, case)
    assert recorded.outcome.rc == 0, recorded.outcome
    frame, error = outputs.rows_of(run, recorded)
    assert error is None
    row = frame[frame["metric"] == "bandwidth"].iloc[0]
    assert row["unit"] == "Gb/s" and row["value"] > 0.5  # loopback TCP: tens of Gb/s here, never nothing
    launch = json.loads((store.case_dir(run.id) / "launch.json").read_text())
    assert launch["server_on"] == "nodeb" and launch["run_on"] == "nodea"
    assert launch["argv"][:5] == ["iperf3", "-c", "127.0.0.3", "-B", "127.0.0.2"]
    assert store.read(run.id).outcome.stdout == recorded.outcome.stdout  # what replay will read


def _stub(folder: Path, name: str, body: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def test_hung_benchmark_is_killed_at_its_timeout_and_named(tmp_path, monkeypatch):
    stubs = tmp_path / "bin"
    # A server that listens (so the client starts) and a client that never returns.
    _stub(stubs, "hangbench", textwrap.dedent("""\
        case " $* " in
          *" -s "*) port=$(echo "$*" | sed 's/.*-p \\([0-9]*\\).*/\\1/')
                    exec python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.5', $port)); s.listen(); time.sleep(4)" ;;
          *) exec sleep 60 ;;
        esac
        """))
    monkeypatch.setenv("PATH", f"{stubs}:{Path('/usr/bin')}:{Path('/bin')}")
    cluster = _cluster(tmp_path, ("127.0.0.4/8", "127.0.0.5/8"))  # its own addresses: the stub server lingers 4 s
    case = catalogue.default().case("iperf3-rail").model_copy(update={"binary": "hangbench", "timeout_s": 2,
                                                                       "pairing": "matching"})
    catalogue_with_stub = catalogue.default().model_copy(update={"benchmarks": (case,)})
    monkeypatch.setattr(catalogue, "default", lambda: catalogue_with_stub)
    run, recorded, _ = _run(cluster, tmp_path, case)
    assert recorded.outcome.timed_out
    assert recorded.outcome.error == "killed at its 2 s timeout on nodea (hung benchmark)"
    assert outputs.rows_of(run, recorded) == (None, f"{run.id}: killed at its 2 s timeout on nodea (hung benchmark)")


def test_missing_binary_names_itself_and_the_node(tmp_path, monkeypatch):
    cluster = _cluster(tmp_path)
    case = catalogue.default().case("iperf3-rail").model_copy(update={"binary": "no_such_bench_binary",
                                                                       "pairing": "matching"})
    catalogue_with_it = catalogue.default().model_copy(update={"benchmarks": (case,)})
    monkeypatch.setattr(catalogue, "default", lambda: catalogue_with_it)
    run, recorded, _ = _run(cluster, tmp_path, case)
    assert recorded.outcome.error.startswith("no_such_bench_binary server on nodeb did not start: "
                                             "no_such_bench_binary not found on nodeb on PATH")
    _, error = outputs.rows_of(run, recorded)
    assert "no_such_bench_binary not found on nodeb" in error


def test_a_recorded_run_is_read_back_and_never_launched_again(tmp_path):
    cluster = _cluster(tmp_path)
    case = catalogue.default().case("iperf3-rail")
    planned = [p for p in plan.plan_case(case, list(cluster.nodes)) if p.skip is None]
    source = BenchStore(tmp_path / "recorded")
    from bringup.bench.store import Outcome

    source.write_outcome(planned[0].id, Outcome(0, '{"start": {}}'))

    def no_transport(node):
        raise AssertionError(f"replay contacted {node.name}")

    runner = BenchRunner(no_transport, BenchStore(tmp_path / "new"), source=source)
    recorded = runner.run(plan.rounds(planned), {n.name: n for n in cluster.nodes})
    assert recorded[planned[0].id].outcome.stdout == '{"start": {}}'
    assert (tmp_path / "new" / "bench" / planned[0].id / "output.json").exists()  # the replay replays again
    missing = BenchRunner(no_transport, BenchStore(tmp_path / "other"), source=BenchStore(tmp_path / "empty"))
    got = missing.run(plan.rounds(planned), {n.name: n for n in cluster.nodes})[planned[0].id]
    assert "the replayed run has no recording of benchmark iperf3-rail@rail1@nodea+nodeb" in got.outcome.error


def test_srun_refusal_is_quoted_with_the_node_and_no_figure_is_judged(tmp_path, monkeypatch):
    """D2 launches through srun; a refused allocation prints srun's own error, which the verdict quotes."""
    stubs = tmp_path / "bin"
    _stub(stubs, "srun", 'echo "srun: error: Unable to allocate resources: Invalid node name specified" >&2\n'
                         "exit 1\n")
    monkeypatch.setenv("PATH", f"{stubs}:/usr/bin:/bin")
    cluster = _cluster(tmp_path)
    group_vars = cluster.path / "group_vars" / "all.yml" if cluster.path.is_dir() else None
    text = group_vars.read_text().replace("baremetal-mpi-roce", "baremetal-slurm-roce")
    group_vars.write_text(text + "bringup_slurm: {cluster_name: lab, controller: nodea, partition: gpu}\n")
    cluster = load_inventory(str(cluster.path))
    case = catalogue.default().case("osu-latency-hh").model_copy(update={"needs": catalogue.Needs()})
    run, recorded, store = _run(cluster, tmp_path, case)
    launch = json.loads((store.case_dir(run.id) / "launch.json").read_text())
    assert launch["kind"] == "srun" and "-w" in launch["argv"]
    assert launch["argv"][launch["argv"].index("-w") + 1] == "nodea,nodeb"
    assert recorded.outcome.rc == 1
    frame, error = outputs.rows_of(run, recorded)
    assert frame is None
    assert error.endswith("(exit 1: srun: error: Unable to allocate resources: Invalid node name specified)")
    assert error.startswith(f"{run.id}: osu_latency on nodea: ")
