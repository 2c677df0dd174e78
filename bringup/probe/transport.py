"""Transports: how a batch of probe commands reaches a node.

Live transports wrap pytest-testinfra backends (local, ssh, paramiko, ansible), so a user's cluster is reached
the way testinfra reaches it. Whatever the backend, a batch is one framed script run in one remote session
(see :mod:`bringup.probe.batch`). :class:`ReplayTransport` serves a recorded run directory instead.
"""

from __future__ import annotations

import json
import shlex
import threading
from pathlib import Path
from typing import Protocol

from bringup.inventory import Node
from bringup.probe.batch import BatchError, CommandResult, build_script, parse_output
from bringup.probe.paths import contained, probe_folder
from bringup.probe.session import Bound, SessionExpired, run_process

# Fail fast instead of prompting; notice a dead peer within ~15 s. Host-key checking is left as configured
# (StrictHostKeyChecking stays at ssh's default or the inventory's value).
SSH_DEFAULT_ARGS = ("-o", "BatchMode=yes", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3")


class NodeUnreachable(RuntimeError):
    """The node could not be reached at all; every check on it errors with this message."""


class ProbeSessionFailed(NodeUnreachable):
    """The session opened but ended before every command reported (killed, hung login shell, truncated)."""


class SessionTimedOut(NodeUnreachable):
    """The session gave no answer within its bound (see :mod:`bringup.probe.session`): a node that logs in and
    then never answers would do so at every layer, so it is not retried."""


class Transport(Protocol):
    name: str

    def run_batch(self, commands: list[str], timeout_s: float, layer: int | None = None) -> list[CommandResult]:
        """Run ``commands`` in one session; ``layer`` only matters to a replay."""
        ...


# testinfra backends that spawn their session with BaseBackend.run_local (a local shell, or ssh/sshpass).
_SUBPROCESS_BACKENDS = ("local", "ssh", "safe-ssh")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no error output"


class TestinfraTransport:
    """One testinfra host; ``run_batch`` costs one session, bounded (:mod:`bringup.probe.session`)."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, node: Node, backend: str | None = None, inventory_path: Path | None = None,
                 connect_timeout_s: int = 10):
        import testinfra

        self.node = node
        conn = node.connection
        self.name = backend or conn.kind
        user = f"{conn.user}@" if conn.user else ""
        port = f":{conn.port}" if conn.port else ""
        if self.name == "local":
            self.host = testinfra.get_host("local://")
        elif self.name == "ssh":
            extra = shlex.join(SSH_DEFAULT_ARGS + conn.ssh_args)
            self.host = testinfra.get_host(
                f"ssh://{user}{conn.host}{port}",
                ssh_identity_file=conn.identity_file,
                ssh_extra_args=extra,
                timeout=connect_timeout_s,
                controlpersist=0,
            )
        elif self.name == "paramiko":
            from bringup.probe.paramiko_checked import checked_paramiko_host

            self.host = checked_paramiko_host(f"{user}{conn.host}{port}", conn, connect_timeout_s)
        elif self.name == "ansible":
            self.host = testinfra.get_host(f"ansible://{node.name}", ansible_inventory=str(inventory_path))
        else:
            raise ValueError(f"{node.name}: unsupported connection {self.name!r} (local, ssh, paramiko, ansible)")
        self._spawn_lock = threading.Lock()

    def run_batch(self, commands: list[str], timeout_s: float, layer: int | None = None) -> list[CommandResult]:
        bound = Bound(timeout_s, len(commands))
        try:
            backend = self._session_backend()
            kind = getattr(backend, "NAME", "")
            watched = kind in _SUBPROCESS_BACKENDS or kind == "paramiko"
            script, nonce = build_script(commands, timeout_s, watch_stdin=watched)
            command = "sh -c " + shlex.quote(script)
            if kind == "paramiko":
                from bringup.probe.paramiko_checked import bounded_exec

                encoded = backend.encode(command)
                rc, stdout, stderr = bounded_exec(backend, encoded, bound)
                out = backend.result(rc, encoded, stdout, stderr)
            elif watched:
                out = self._run_subprocess(backend, command, bound)
            else:
                out = _run_in_thread(backend, command, bound)
        except SessionExpired as exc:
            raise SessionTimedOut(f"{self.node.name}: {exc}") from None
        except RuntimeError as exc:  # testinfra's ssh backend raises with the CommandResult on rc 255
            detail = getattr(exc.args[0], "stderr", "") if exc.args else ""
            raise NodeUnreachable(f"{self.node.name} unreachable: {_first_line(detail or str(exc))}") from None
        except Exception as exc:  # paramiko/ansible raise their own connection errors
            raise NodeUnreachable(f"{self.node.name} unreachable: {type(exc).__name__}: {exc}") from None
        raw = out.stdout_bytes
        try:
            return parse_output(raw, commands, nonce)
        except BatchError as exc:
            hint = _first_line(out.stderr) if out.stderr.strip() else f"session rc {out.rc}"
            raise ProbeSessionFailed(f"{self.node.name} probe session failed: {exc} ({hint})") from None

    def _session_backend(self):
        """The testinfra backend that opens the session. testinfra's ansible backend runs through the ssh,
        paramiko or local backend of the host's ansible_connection; that one is bounded here too."""
        backend = self.host.backend
        if getattr(backend, "NAME", "") == "ansible" and not backend.force_ansible:
            inner = backend.ansible_runner.get_host(backend.host, ssh_config=backend.ssh_config,
                                                    ssh_identity_file=backend.ssh_identity_file)
            if inner is not None:
                return inner.backend
        return backend

    def _run_subprocess(self, backend, command: str, bound: Bound):
        """testinfra builds the ssh (or local) command line and reads its rc 255; ``run_local``, where its
        subprocess backends spawn the process, runs it bounded instead of to completion."""
        def run_local(line: str, *args: str):
            cmd = backend.encode(backend.quote(line, *args))
            rc, stdout, stderr = run_process(cmd.decode(), bound)
            return backend.result(rc, cmd, stdout, stderr)

        with self._spawn_lock:
            backend.run_local = run_local  # this call only: the instance attribute shadows the method
            try:
                return backend.run(command)
            finally:
                del backend.run_local


def _run_in_thread(backend, command: str, bound: Bound):
    """Any other backend (ansible's own module path): wait at most the bound for testinfra's blocking call.
    The call's thread cannot be stopped from here; it is a daemon, so it never holds the run open."""
    done: dict = {}

    def call() -> None:
        try:
            done["out"] = backend.run(command)
        except BaseException as exc:  # handed to the caller
            done["exc"] = exc

    thread = threading.Thread(target=call, daemon=True, name=f"probe session {backend.get_hostname()}")
    thread.start()
    thread.join(bound.total_s)
    if thread.is_alive():
        raise bound.overran()
    if "exc" in done:
        raise done["exc"]
    return done["out"]


class ReplayTransport:
    """Serves the outputs recorded under ``<run>/probes/<node>/lNN.json``: no node is contacted.

    A command is looked up in the asked layer's recording first, so the same command recorded at two layers
    (``lspci`` at L1 and L2, say) replays what each layer saw; other layers are the fallback.
    """

    name = "replay"

    def __init__(self, node: Node, run_dir: Path):
        self.node = node
        self.by_layer: dict[int, dict[str, CommandResult]] = {}
        self.error: str | None = None
        self.source = probe_folder(run_dir, node.name)
        for path in sorted(self.source.glob("l*.json")):
            data = json.loads(contained(self.source, path.name, node=node.name).read_text())
            if data.get("error"):
                self.error = data["error"]
            recorded = {r.command: r for r in map(CommandResult.from_json, data.get("results", []))}
            self.by_layer[int(data.get("layer") or path.stem[1:])] = recorded

    def _lookup(self, command: str, layer: int | None) -> CommandResult | None:
        order = ([layer] if layer in self.by_layer else []) + sorted(self.by_layer)
        for number in order:
            if command in self.by_layer[number]:
                return self.by_layer[number][command]
        return None

    def run_batch(self, commands: list[str], timeout_s: float, layer: int | None = None) -> list[CommandResult]:
        found = [self._lookup(c, layer) for c in commands]
        missing = [c for c, r in zip(commands, found) if r is None]
        if missing:
            if self.error:
                raise NodeUnreachable(self.error)
            raise NodeUnreachable(
                f"{self.node.name}: replay has no recording of {missing[0]!r} in {self.source} "
                f"({len(missing)} of {len(commands)} commands missing)"
            )
        return found
