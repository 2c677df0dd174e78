"""One probe session, bounded: a node that authenticates and then never answers costs a known time, not the run.

Each command of a batch runs under ``timeout -k KILL_AFTER_S T`` on the node, so a healthy session prints a
frame at least every ``T + KILL_AFTER_S`` seconds. The controller therefore waits at most ``T + MARGIN_S`` for
each answer (the first one includes connecting and logging in) and at most what the whole batch can take
(``commands x (T + KILL_AFTER_S) + MARGIN_S``) in all; past either, the session is stopped and the node named.

The session's stdin stays open while it runs: the batch script watches it (see :mod:`bringup.probe.batch`), so
closing it, or the controller dying, makes the node stop its command and remove its temporary folder.
Stopping a session closes stdin first (the node cleans up), then kills the process group the controller
started for it (``ssh``, ``sshpass`` or the local shell), so no thread or client process is left behind.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass

from bringup.probe.batch import KILL_AFTER_S

# Slack per answer over the per-command timeout: timeout(1)'s own kill delay is already counted in the total;
# this covers ssh connection and login on the first answer, and the frame's printing.
MARGIN_S = 5.0
# How long a stopped session gets to clean up after its stdin closes, before its process group is killed.
GRACE_S = 1.0


class SessionExpired(TimeoutError):
    """The session gave no answer in time; the message says which bound and why it is that long."""


@dataclass(frozen=True)
class Bound:
    timeout_s: float  # the batch's per-command timeout (the longest probe timeout of the plan)
    commands: int
    margin_s: float = MARGIN_S

    @property
    def answer_s(self) -> float:
        return self.timeout_s + self.margin_s

    @property
    def total_s(self) -> float:
        return self.commands * (self.timeout_s + KILL_AFTER_S) + self.margin_s

    def deadline(self, started: float, last_answer: float) -> float:
        return min(last_answer + self.answer_s, started + self.total_s)

    def expired(self, started: float, last_answer: float) -> SessionExpired:
        """The error for whichever deadline passed first."""
        if last_answer + self.answer_s <= started + self.total_s:
            return SessionExpired(f"no answer within {self.answer_s:g} s "
                                  f"(probe timeout {self.timeout_s:g} s + {self.margin_s:g} s)")
        return self.overran()

    def overran(self) -> SessionExpired:
        commands = f"{self.commands} command{'s' if self.commands != 1 else ''}"
        return SessionExpired(f"session still running after {self.total_s:g} s, longer than {commands} can take "
                              f"(probe timeout {self.timeout_s:g} s + {KILL_AFTER_S} s each, + {self.margin_s:g} s)")


def run_process(command: str, bound: Bound) -> tuple[int, bytes, bytes]:
    """Run a shell command line (``ssh ... 'sh -c ...'`` or a local ``sh -c``) within ``bound``; stdin stays
    open until it ends. Returns (rc, stdout, stderr); raises :class:`SessionExpired` after stopping it."""
    proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    streams = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    out_fd = proc.stdout.fileno()
    started = last = time.monotonic()
    try:
        with selectors.DefaultSelector() as selector:
            for fd in streams:
                selector.register(fd, selectors.EVENT_READ)
            while selector.get_map():
                wait = bound.deadline(started, last) - time.monotonic()
                if wait <= 0:
                    _stop(proc)
                    raise bound.expired(started, last)
                for key, _ in selector.select(wait):
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        selector.unregister(key.fd)
                        continue
                    streams[key.fd] += chunk
                    if key.fd == out_fd:
                        last = time.monotonic()
        try:  # both streams closed: the session has ended, its exit status follows
            proc.wait(max(bound.deadline(started, last) - time.monotonic(), GRACE_S))
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise bound.expired(started, last) from None
        return proc.returncode, bytes(streams[out_fd]), bytes(streams[proc.stderr.fileno()])
    finally:
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            pipe.close()
        if proc.poll() is None:  # an exception of our own (KeyboardInterrupt): leave nothing running
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    try:
        proc.stdin.close()  # the batch's watchdog sees EOF: the node stops its command and removes its folder
    except OSError:
        pass
    try:
        proc.wait(GRACE_S)
    except subprocess.TimeoutExpired:
        pass
    try:  # whatever of the group is still there (start_new_session: the group is this session's alone)
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
