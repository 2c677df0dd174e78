"""testinfra's paramiko backend, with host-key checking kept on.

testinfra's own paramiko backend accepts unknown host keys with a warning and never reads a known_hosts file.
bringup never turns checking off by itself: this backend reads ~/.ssh/known_hosts plus any
``-o UserKnownHostsFile=...`` from the inventory's ssh arguments and rejects unknown keys, unless the
inventory itself says ``-o StrictHostKeyChecking=no``.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
import time

import paramiko
from testinfra.backend.paramiko import ParamikoBackend
from testinfra.host import Host

from bringup.probe.session import GRACE_S, Bound

# How often a waiting session checks its deadline; data is read as soon as it arrives, whatever this is.
POLL_S = 0.25


def ssh_options(args: tuple[str, ...]) -> dict[str, str]:
    """``("-o", "A=b", "-oC=d")`` -> {"a": "b", "c": "d"} (ssh option names are case-insensitive)."""
    options: dict[str, str] = {}
    words = iter(args)
    for word in words:
        if word == "-o":
            word = next(words, "")
        elif word.startswith("-o"):
            word = word[2:]
        else:
            continue
        key, _, value = word.partition("=")
        options[key.strip().lower()] = value.strip()
    return options


class CheckedParamikoBackend(ParamikoBackend):
    def __init__(self, hostspec: str, known_hosts: list[str], strict: bool, **kwargs):
        self.known_hosts = known_hosts
        self.strict = strict
        super().__init__(hostspec, **kwargs)

    @functools.cached_property
    def client(self) -> paramiko.SSHClient:
        return self.connect(self.timeout)

    def connect(self, timeout: float) -> paramiko.SSHClient:
        """Connect, read the banner and authenticate within ``timeout`` in all: paramiko's own timeouts are per
        step, so past the deadline the socket is shut down under it, whichever step it is waiting in."""
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        for path in self.known_hosts:
            client.load_host_keys(os.path.expanduser(path))
        client.set_missing_host_key_policy(paramiko.RejectPolicy() if self.strict else paramiko.WarningPolicy())
        deadline = time.monotonic() + timeout
        port = int(self.host.port) if self.host.port else 22
        sock = socket.create_connection((self.host.name, port), timeout=timeout)
        timer = threading.Timer(max(deadline - time.monotonic(), 0), _shut, (sock,))
        timer.start()
        try:
            client.connect(
                hostname=self.host.name,
                port=port,
                sock=sock,
                username=self.host.user,
                key_filename=self.ssh_identity_file,
                timeout=timeout,
                banner_timeout=timeout,
                auth_timeout=timeout,
                # With a declared key, use only it (as ssh -i with IdentitiesOnly); else the agent and ~/.ssh keys.
                allow_agent=self.ssh_identity_file is None,
                look_for_keys=self.ssh_identity_file is None,
            )
        except BaseException:
            sock.close()
            raise
        finally:
            timer.cancel()
        return client


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def checked_paramiko_host(hostspec: str, conn, timeout: int) -> Host:
    options = ssh_options(conn.ssh_args)
    known = [p for p in options.get("userknownhostsfile", "").split() if os.path.exists(os.path.expanduser(p))]
    strict = options.get("stricthostkeychecking", "yes").lower() != "no"
    backend = CheckedParamikoBackend(hostspec, known, strict, ssh_identity_file=conn.identity_file, timeout=timeout)
    return Host(backend)


def bounded_exec(backend: ParamikoBackend, command: bytes, bound: Bound) -> tuple[int, bytes, bytes]:
    """testinfra's paramiko exec, within ``bound`` (see :mod:`bringup.probe.session`): the channel's stdin
    stays open while it runs (the batch's watchdog reads it), and an expired session's channel is closed,
    which closes the node's stdin too. Raises SessionExpired."""
    started = last = time.monotonic()
    if isinstance(backend, CheckedParamikoBackend) and "client" not in vars(backend):  # first session: connect
        try:
            backend.client = backend.connect(min(backend.timeout, bound.answer_s))
        except Exception:
            if time.monotonic() - started >= bound.answer_s:
                raise bound.expired(started, last) from None
            raise
    transport = backend.client.get_transport()
    chan = transport.open_session(timeout=max(bound.deadline(started, last) - time.monotonic(), POLL_S))
    out, err = bytearray(), bytearray()
    try:
        chan.settimeout(POLL_S)
        chan.exec_command(command)
        while True:
            if time.monotonic() >= bound.deadline(started, last):
                raise bound.expired(started, last)
            while chan.recv_stderr_ready():
                err += chan.recv_stderr(65536)
            try:
                chunk = chan.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            out += chunk
            last = time.monotonic()
        # stdout closed: the session has ended; its exit status and the rest of stderr follow at once.
        if not chan.status_event.wait(max(bound.deadline(started, last) - time.monotonic(), GRACE_S)):
            raise bound.expired(started, last)
        while True:
            try:
                chunk = chan.recv_stderr(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            err += chunk
        return chan.recv_exit_status(), bytes(out), bytes(err)
    finally:
        chan.close()
