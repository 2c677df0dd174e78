"""Running planned benchmarks on the cluster (or reading them back from a recorded run).

For every planned run (:mod:`bringup.bench.plan`) of a round, concurrently:

1. snapshot the NIC counters of every rail the run uses (``ethtool -S``, one session per node);
2. launch it from its first node through the design's launcher (:mod:`bringup.bench.launchers`): the files it
   needs (the mpirun hostfile) are written into a fresh ``/tmp/bringup.bench.*`` folder that is removed when
   the command ends; a pair benchmark (perftest, iperf3) first starts its server on the far node, detached
   under its own ``timeout``, and the client starts once the server's port listens; an MPIJob goes through
   kubectl (:mod:`bringup.bench.mpijob`);
3. snapshot the counters again;
4. record launch, output and counters under ``RUN/bench/<run id>/`` (:mod:`bringup.bench.store`).

Every launch runs under the case's ``timeout_s`` (the catalogue's), so a hung benchmark is killed and named,
and the other runs of the round carry on. A run already recorded (by another xdist worker, or in the run
directory being replayed) is read back, never launched twice.
"""

from __future__ import annotations

import fcntl
import shlex
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from bringup.bench import launchers
from bringup.bench.plan import Planned
from bringup.bench.store import BenchStore, Outcome, Recorded
from bringup.probe.batch import TIMEOUT_RC
from bringup.report.progress import Progress

if TYPE_CHECKING:
    from bringup.inventory import Node

SERVER_GRACE_S = 30  # a server whose client never came exits this long after the client's own deadline
LISTEN_WAIT_S = 10  # how long the server may take to open its port
SESSION_MARGIN_S = 30  # on top of the case's timeout: ssh set-up and the counter reads around it

TransportFor = Callable[["Node"], Any]


def _listen_wait(port: str) -> str:
    tries = LISTEN_WAIT_S * 10
    return (f"i=0; while [ $i -lt {tries} ]; do ss -Hltn 'sport = :{port}' 2>/dev/null | grep -q . && exit 0; "
            f"sleep 0.1; i=$((i+1)); done; "
            f"echo \"server did not listen on port {port} of $(hostname) within {LISTEN_WAIT_S} s\" >&2; exit 1")


def server_script(launch: launchers.Launch) -> str:
    """Start the server half detached (it outlives this session) and return once its port listens."""
    argv = launch.server_argv or []
    port = argv[argv.index("-p") + 1] if "-p" in argv else ""
    limit = launch.timeout_s + SERVER_GRACE_S
    return (f"{_binary_check(argv[0], launch.server_on or '')}; (setsid timeout {limit} {shlex.join(argv)} </dev/null >/dev/null 2>&1 &); "
            + (_listen_wait(port) if port else "sleep 1"))


def _binary_check(binary: str, node: str) -> str:
    """``osu_bw not found on node03 under /opt/bringup/bench/osu/...``: rc 127 with a sentence, not a shell's."""
    where = f"under {Path(binary).parent}" if "/" in binary else "on PATH"
    sentence = shlex.quote(f"{Path(binary).name} not found on {node} {where}")
    return f"command -v {shlex.quote(binary)} >/dev/null 2>&1 || {{ echo {sentence} >&2; exit 127; }}"


def client_script(launch: launchers.Launch, benchmark_binary: str) -> str:
    """The launch as one shell script: a private folder with the launch's files, the binary checked, the argv."""
    lines = ['d=$(mktemp -d "${TMPDIR:-/tmp}/bringup.bench.XXXXXX") || exit 97',
             "trap 'rm -rf \"$d\"' EXIT", 'cd "$d" || exit 97']
    for name, content in launch.files.items():
        lines.append(f"printf '%s' {shlex.quote(content)} > {shlex.quote(name)}")
    if launch.kind in ("mpirun", "pair"):  # srun starts the binary on the allocated nodes, not here
        lines.append(_binary_check(benchmark_binary, launch.run_on))
    lines.append(launch.shell())
    return "\n".join(lines)


def describe(planned: Planned, launch: launchers.Launch, started: float) -> dict[str, Any]:
    """``bench/<run>/launch.json``: what ran, from where, with which argv, files, environment or manifest."""
    return {"id": planned.id, "case": planned.case.id, "tool": planned.case.tool, "kind": launch.kind,
            "run_on": launch.run_on, "argv": launch.argv, "files": launch.files, "env": launch.env,
            "manifest": launch.manifest, "server_on": launch.server_on, "server_argv": launch.server_argv,
            "timeout_s": launch.timeout_s, "nodes": list(planned.node_names), "rail": planned.rail,
            "started": started}


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


class BenchRunner:
    def __init__(self, transport_for: TransportFor, store: BenchStore, *, source: BenchStore | None = None,
                 kubectl: Callable[[launchers.Launch, float], Outcome] | None = None, max_workers: int = 32):
        """``source``: a recorded run's benchmarks to replay (nothing is launched then); ``store``: this run's."""
        self.transport_for = transport_for
        self.store = store
        self.source = source
        self.kubectl = kubectl
        self.max_workers = max_workers

    # ------------------------------------------------------------------ the rounds

    def run(self, rounds: list[list[Planned]], nodes_by_name: dict[str, "Node"],
            progress: Progress | None = None) -> dict[str, Recorded]:
        """Each round's runs concurrently, rounds one after another; returns every run's record by id.
        ``progress`` counts the runs done (its total: the runs not skipped)."""
        done: dict[str, Recorded] = {}
        for number, runs in enumerate(rounds, 1):
            todo = [p for p in runs if p.skip is None]
            if not todo:
                continue
            detail = f"round {number}/{len(rounds)}"

            def one(planned: Planned) -> Recorded:
                recorded = self.run_one(planned, nodes_by_name)
                if progress is not None:
                    progress.advance(detail=detail)
                return recorded

            with ThreadPoolExecutor(max_workers=min(self.max_workers, len(todo))) as pool:
                for planned, recorded in zip(todo, pool.map(one, todo)):
                    done[planned.id] = recorded
        return done

    def run_one(self, planned: Planned, nodes_by_name: dict[str, "Node"]) -> Recorded:
        recorded = self.store.read(planned.id)
        if recorded is not None:
            return recorded
        if self.source is not None:
            return self._replayed(planned)
        folder = self.store.case_dir(planned.id)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "w") as lock:  # one launch per run, across xdist workers
            fcntl.flock(lock, fcntl.LOCK_EX)
            recorded = self.store.read(planned.id)
            return recorded if recorded is not None else self._launch(planned, nodes_by_name)

    def _replayed(self, planned: Planned) -> Recorded:
        recorded = self.source.read(planned.id)
        if recorded is None:
            return Recorded(planned.id, {}, Outcome(None, error=f"the replayed run has no recording of benchmark "
                                                               f"{planned.id} under {self.source.root}"))
        self.store.write_launch(planned.id, recorded.launch)  # the new run directory replays by itself too
        self.store.write_counters(planned.id, recorded.counters)
        self.store.write_outcome(planned.id, recorded.outcome)
        return recorded

    # ------------------------------------------------------------------ one run

    def _launch(self, planned: Planned, nodes_by_name: dict[str, "Node"]) -> Recorded:
        started = time.time()
        try:
            launch = launchers.launch(planned.case, list(planned.nodes), rail=planned.rail)
        except launchers.LaunchError as exc:
            outcome = Outcome(None, error=f"{planned.id}: cannot launch: {exc}")
            self.store.write_outcome(planned.id, outcome)
            return Recorded(planned.id, {}, outcome)
        described = describe(planned, launch, started)
        self.store.write_launch(planned.id, described)
        counters: dict[str, Any] = {}
        self._snapshot(planned, "before", counters)
        outcome = self._execute(planned, launch, nodes_by_name)
        self._snapshot(planned, "after", counters)
        outcome.seconds = round(time.time() - started, 3)
        self.store.write_counters(planned.id, counters)
        self.store.write_outcome(planned.id, outcome)
        return Recorded(planned.id, described, outcome, counters)

    def _run_on(self, node: "Node", script: str, timeout_s: float) -> Outcome:
        from bringup.probe.transport import NodeUnreachable

        try:
            result = self.transport_for(node).run_batch([script], timeout_s)[0]
        except NodeUnreachable as exc:
            return Outcome(None, error=str(exc))
        if result.rc == TIMEOUT_RC:
            return Outcome(result.rc, result.stdout, result.stderr, timed_out=True,
                           error=f"killed at its {timeout_s:g} s timeout on {node.name} (hung benchmark)")
        return Outcome(result.rc, result.stdout, result.stderr)

    def _execute(self, planned: Planned, launch: launchers.Launch, nodes: dict[str, "Node"]) -> Outcome:
        case = planned.case
        if launch.kind == "mpijob":
            if self.kubectl is None:
                return Outcome(None, error=f"{planned.id}: an MPIJob needs kubectl (bringup_kubernetes)")
            return self.kubectl(launch, float(launch.timeout_s))
        if launch.kind == "pair" and launch.server_on:
            server = self._run_on(nodes[launch.server_on], server_script(launch), LISTEN_WAIT_S + 30)
            if server.error or server.rc:
                detail = server.error or _first_line(server.stderr + "\n" + server.stdout) or f"rc {server.rc}"
                return Outcome(server.rc, server.stdout, server.stderr,
                               error=f"{case.binary} server on {launch.server_on} did not start: {detail}")
        binary = next((a for a in launch.argv if Path(a).name == case.binary), case.binary)
        outcome = self._run_on(nodes[launch.run_on], client_script(launch, binary), float(launch.timeout_s))
        if outcome.error is None and outcome.rc == 127:
            outcome.error = _first_line(outcome.stderr) or f"{case.binary}: command not found on {launch.run_on}"
        return outcome

    # ------------------------------------------------------------------ counters

    def _snapshot(self, planned: Planned, when: str, into: dict[str, Any]) -> None:
        """``ethtool -S`` of every RDMA rail the run uses, per node (veth lab rails have no such counters)."""
        flag = "-S" if when == "before" else "--statistics"

        def one(node: "Node") -> None:
            rails = [r for r in node.rails if r.rdma_device and (planned.rail is None or r.name == planned.rail)]
            if not rails:
                return
            commands = [f"ethtool {flag} {shlex.quote(r.netdev)}" for r in rails]
            try:
                results = self.transport_for(node).run_batch(commands, 30.0)
            except Exception as exc:  # a counter read that fails must not lose the benchmark itself
                into.setdefault(node.name, {})["error"] = str(exc)
                return
            for rail, result in zip(rails, results):
                side = into.setdefault(node.name, {}).setdefault(rail.name, {"netdev": rail.netdev})
                side[when] = result.stdout if result.rc == 0 else None

        with ThreadPoolExecutor(max_workers=max(1, len(planned.nodes))) as pool:
            list(pool.map(one, planned.nodes))
