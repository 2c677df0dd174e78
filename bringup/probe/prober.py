"""Batched, concurrent, recorded probing.

For each (node, layer) the prober runs the layer's whole probe plan in one session, once, records every
command's rc/stdout/stderr under ``<run>/probes/<node>/lNN.json`` (atomically, so a killed run leaves only
complete files), and caches the results for every check of that layer. ``prefetch`` probes many nodes at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from bringup.inventory import Node
from bringup.probe.batch import CommandResult
from bringup.probe.paths import contained, probe_folder
from bringup.probe.transport import NodeUnreachable, ProbeSessionFailed, Transport
from bringup.probes import Probe, plan_for
from bringup.report.progress import Progress


class ProbeError(Exception):
    """A probe could not give a usable answer; the message names node, command and offending line."""


@dataclass
class ProbeSet:
    """The results of one node's probe plan for one layer, by probe key."""

    node: str
    layer: int
    results: dict[str, CommandResult]
    error: str | None = None
    nic_stack: str | None = None  # the node's declared bringup_nic_stack: whether vendor tools must exist

    def result(self, key: str) -> CommandResult:
        if self.error:
            raise NodeUnreachable(self.error)
        try:
            return self.results[key]
        except KeyError:
            raise ProbeError(f"{self.node}: layer {self.layer} has no probe {key!r} in its plan") from None

    def output(self, key: str, *, allow_rc: tuple[int, ...] = (0,)) -> str:
        """stdout of a probe that must have succeeded; otherwise a ProbeError naming the command."""
        res = self.result(key)
        if res.timed_out:
            raise ProbeError(f"{self.node}: `{res.command}` timed out")
        if res.not_found:
            tool = res.command.split()[0]
            raise ProbeError(f"{self.node}: {tool} not installed on {self.node} (`{res.command}`: rc 127)")
        if res.rc not in allow_rc:
            detail = (res.stderr or res.stdout).strip().splitlines()
            raise ProbeError(f"{self.node}: `{res.command}` exited {res.rc}: {detail[0] if detail else 'no output'}")
        return res.stdout

    def get(self, probe: Probe):
        """The probe's output read by its own parser: the typed facts a check judges. A vendor probe that is
        absent by design (an inbox-driver node without mlnx_qos) skips the check, naming the inventory value;
        absent on a DOCA node it fails, naming the tool."""
        if probe.parser is None:
            raise TypeError(f"probe {probe.key!r} declares no parser: read facts.result({probe.key!r})")
        if probe.vendor:
            self._vendor_absent(probe)
        return self.parsed(probe.key, probe.parser, allow_rc=probe.allow_rc)

    def _vendor_absent(self, probe: Probe) -> None:
        """A vendor tool or MLNX_OFED interface (``probe.vendor``) missing on a node whose inventory declares the
        DOCA/MLNX_OFED stack fails the check ("<tool> not installed on <node>"); missing on an inbox-driver node
        it skips, naming the inventory value, because the interface does not exist there by design."""
        result = self.result(probe.key)
        absent = result.not_found or "No such file or directory" in (result.stderr or "")
        if absent and self.nic_stack != "doca":
            pytest.skip(f"{probe.vendor} not available on {self.node} and the inventory declares nic_stack "
                        f"{self.nic_stack or 'unset'} (only the DOCA/MLNX_OFED stack provides it)")
        if absent and not result.not_found:
            raise ProbeError(f"{self.node}: {probe.vendor} missing on {self.node} (`{result.command}`: "
                             f"{(result.stderr or '').strip().splitlines()[0]})")

    def parsed(self, key: str, parser: Callable[[str], object], **kwargs):
        text = self.output(key, **kwargs)
        try:
            return parser(text)
        except ValueError as exc:
            raise ProbeError(f"{self.node}: cannot parse the output of `{self.result(key).command}`: {exc}") from None


TransportFactory = Callable[[Node], Transport]


def _probe_set(node: Node, layer: int, plan: list[Probe], results: list[CommandResult], error: str | None) -> ProbeSet:
    """Results keyed by probe key (commands are run once, however many probes share one)."""
    by_command = {r.command: r for r in results}
    return ProbeSet(node.name, layer, {p.key: by_command[p.command] for p in plan if p.command in by_command}, error,
                    getattr(node, "nic_stack", None))


class Prober:
    def __init__(self, transport_for: TransportFactory, record_dir: Path | None, timeout_s: float = 30.0,
                 max_workers: int = 32):
        self.transport_for = transport_for
        self.record_dir = record_dir
        self.timeout_s = timeout_s
        self.max_workers = max_workers
        self._cache: dict[tuple[str, int], ProbeSet] = {}
        self._locks: dict[tuple[str, int], threading.Lock] = {}
        self._guard = threading.Lock()
        self._transports: dict[str, Transport] = {}
        self._unreachable: dict[str, str] = {}  # a node that refused a connection is not retried per layer

    def _lock(self, key: tuple[str, int]) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _transport(self, node: Node) -> Transport:
        with self._guard:
            if node.name not in self._transports:
                self._transports[node.name] = self.transport_for(node)
            return self._transports[node.name]

    def probe(self, node: Node, layer: int, plan: list[Probe] | None = None) -> ProbeSet:
        """``plan`` replaces the layer's registered plan: a cluster-scoped subject (the kubectl host of
        bringup/probes/kubeapi.py) has a name and a transport like a node, but its own plan."""
        key = (node.name, layer)
        with self._lock(key):
            if key not in self._cache:
                self._cache[key] = self._run_once(node, layer, plan_for(node, layer) if plan is None else plan)
            return self._cache[key]

    def _run_once(self, node: Node, layer: int, plan: list[Probe]) -> ProbeSet:
        """Once per run, across processes: xdist workers share the run directory, and a fleet check on one
        worker reads nodes another worker owns. The first to lock ``probes/<node>/.lNN.lock`` probes; the others
        wait and read its recording. A node never runs a layer (or its benchmarks) twice in one run."""
        if self.record_dir is None:
            return self._run(node, layer, plan)
        folder = probe_folder(self.record_dir, node.name)
        folder.mkdir(parents=True, exist_ok=True)
        with open(contained(folder, f".l{layer:02d}.lock", node=node.name), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            recorded = contained(folder, f"l{layer:02d}.json", node=node.name)
            if recorded.exists():
                return self._load(recorded, node, layer, plan)
            return self._run(node, layer, plan)

    @staticmethod
    def _load(path: Path, node: Node, layer: int, plan: list[Probe]) -> ProbeSet:
        data = json.loads(path.read_text())
        return _probe_set(node, layer, plan, list(map(CommandResult.from_json, data.get("results", []))),
                          data.get("error"))

    def prefetch(self, nodes: list[Node], layer: int, progress: Progress | None = None) -> None:
        """Every node's plan for the layer, concurrently; ``progress`` counts the nodes done."""
        todo = [n for n in nodes if (n.name, layer) not in self._cache]

        def one(node: Node) -> None:
            self.probe(node, layer)
            if progress is not None:
                progress.advance()

        if len(todo) <= 1:
            for node in todo:
                one(node)
            return
        with ThreadPoolExecutor(max_workers=min(self.max_workers, len(todo))) as pool:
            list(pool.map(one, todo))

    def _run(self, node: Node, layer: int, plan: list[Probe]) -> ProbeSet:
        started = time.time()
        commands = list(dict.fromkeys(p.command for p in plan))
        error = None
        results: list[CommandResult] = []
        if commands and node.name in self._unreachable:
            error = self._unreachable[node.name]
        elif commands:
            try:
                transport = self._transport(node)
                timeout = max([self.timeout_s] + [p.timeout_s for p in plan if p.timeout_s])
                results = transport.run_batch(commands, timeout, layer=layer)
            except ProbeSessionFailed as exc:
                error = str(exc)
            except NodeUnreachable as exc:
                error = self._unreachable[node.name] = str(exc)
            except Exception as exc:  # a transport that cannot even be built (bad backend, missing library)
                error = f"{node.name} unreachable: {type(exc).__name__}: {exc}"
        probe_set = _probe_set(node, layer, plan, results, error)
        self._record(node, layer, plan, results, error, started)
        return probe_set

    def _record(self, node: Node, layer: int, plan: list[Probe], results: list[CommandResult], error: str | None,
                started: float) -> None:
        if self.record_dir is None:
            return
        folder = probe_folder(self.record_dir, node.name)
        folder.mkdir(parents=True, exist_ok=True)
        record = {
            "node": node.name,
            "layer": layer,
            "started": started,
            "seconds": round(time.time() - started, 3),
            "error": error,
            "keys": {p.key: p.command for p in plan},
            "results": [r.to_json() for r in results],
        }
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "w") as fh:
            json.dump(record, fh, indent=1)
        os.replace(tmp, folder / f"l{layer:02d}.json")
