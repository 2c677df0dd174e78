"""Two probers sharing a run directory (two xdist workers) probe a (node, layer) once: the second reads the
first one's recording, so a benchmark in a probe plan never runs twice in one run."""

import threading
import time
from types import SimpleNamespace

from bringup.probe.batch import CommandResult
from bringup.probe.prober import Prober
from bringup.probes import Probe


class CountingTransport:
    name = "counting"

    def __init__(self, calls):
        self.calls = calls

    def run_batch(self, commands, timeout_s, layer=None):
        self.calls.append((layer, tuple(commands)))
        time.sleep(0.3)  # long enough for the other worker to arrive while this one holds the lock
        return [CommandResult(c, 0, f"out of {c}\n", "") for c in commands]


def test_two_workers_share_one_probe_run(tmp_path, monkeypatch):
    plan = [Probe("bw", "ib_write_bw -d mlx5_0 peer"), Probe("uname", "uname -r")]
    monkeypatch.setattr("bringup.probe.prober.plan_for", lambda node, layer: plan)
    calls = []
    node = SimpleNamespace(name="node01")
    workers = [Prober(lambda n: CountingTransport(calls), tmp_path) for _ in range(2)]
    results = [None, None]

    def work(i):
        results[i] = workers[i].probe(node, 13)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [(13, ("ib_write_bw -d mlx5_0 peer", "uname -r"))]
    assert results[0].output("bw") == results[1].output("bw") == "out of ib_write_bw -d mlx5_0 peer\n"
    assert results[0].error is None and results[1].error is None


def test_without_a_run_directory_each_prober_probes(monkeypatch):
    monkeypatch.setattr("bringup.probe.prober.plan_for", lambda node, layer: [Probe("uname", "uname -r")])
    calls = []
    for _ in range(2):
        Prober(lambda n: CountingTransport(calls), None).probe(SimpleNamespace(name="node01"), 6)
    assert len(calls) == 2
