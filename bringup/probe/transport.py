"""Transports: how a batch of probe commands reaches a node.

Live transports wrap pytest-testinfra backends (local, ssh, paramiko, ansible), so a user's cluster is reached
the way testinfra reaches it. Whatever the backend, a batch is one framed script run in one remote session
(see :mod:`bringup.probe.batch`). :class:`ReplayTransport` serves a recorded run directory instead.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Protocol

from bringup.inventory import Node
from bringup.probe.batch import BatchError, CommandResult, build_script, parse_output
from bringup.probe.paths import contained, probe_folder

# Fail fast instead of prompting; notice a dead peer within ~15 s. Host-key checking is left as configured
# (StrictHostKeyChecking stays at ssh's default or the inventory's value).
SSH_DEFAULT_ARGS = ("-o", "BatchMode=yes", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3")


class NodeUnreachable(RuntimeError):
    """The node could not be reached at all; every check on it errors with this message."""


class ProbeSessionFailed(NodeUnreachable):
    """The session opened but ended before every command reported (killed, hung login shell, truncated)."""


class Transport(Protocol):
    name: str

    def run_batch(self, commands: list[str], timeout_s: float, layer: int | None = None) -> list[CommandResult]:
        """Run ``commands`` in one session; ``layer`` only matters to a replay."""
        ...


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no error output"


class TestinfraTransport:
    """One testinfra host; ``run_batch`` costs one ``host.run`` (one session)."""

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

    def run_batch(self, commands: list[str], timeout_s: float, layer: int | None = None) -> list[CommandResult]:
        script, nonce = build_script(commands, timeout_s)
        try:
            out = self.host.run("sh -c " + shlex.quote(script))
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
