"""Run many commands in one remote session and get each command's rc, stdout and stderr back separately.

The batch is one POSIX sh script. Each command runs under ``timeout`` (so a hung tool costs its own budget,
not the run), with stdout and stderr sent to files in a private temporary directory that the script removes
on exit, however it exits (normally, or on HUP/INT/PIPE/TERM, stopping the running command first); then a
frame header and both byte streams are printed:

    @@bringup <nonce> <index> <rc> <stdout-bytes> <stderr-bytes> <milliseconds>\\n<stdout><stderr>

Lengths, not delimiters, frame the payload, so no output can forge a frame. The nonce makes a stray header
line in real output harmless even when lengths are wrong (a truncated session), which is detected and
reported instead of being parsed into a silent partial result.

With ``watch_stdin`` the controller keeps the session's stdin open while it runs and a watchdog reads it: EOF
(the controller stopped the session, or died, or the connection dropped; sshd closes a session's stdin then)
makes the script stop its command and remove its folder, so a killed run leaves no probe shell, no command and
no ``bringup.*`` folder on the node. Without the watchdog a node keeps running the batch it can no longer report.
"""

from __future__ import annotations

import re
import secrets
import shlex
from dataclasses import dataclass

TIMEOUT_RC = 124  # coreutils timeout(1): the command timed out
KILL_AFTER_S = 2  # timeout -k: SIGKILL this long after the TERM, for a tool that ignores TERM


@dataclass(frozen=True)
class CommandResult:
    command: str
    rc: int
    stdout: str
    stderr: str
    duration_ms: int = 0

    @property
    def timed_out(self) -> bool:
        return self.rc == TIMEOUT_RC

    @property
    def not_found(self) -> bool:
        return self.rc == 127

    def to_json(self) -> dict:
        return {
            "command": self.command,
            "rc": self.rc,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "duration_ms": self.duration_ms,
        }

    @classmethod
    def from_json(cls, data: dict) -> "CommandResult":
        return cls(data["command"], int(data["rc"]), data["stdout"], data["stderr"], int(data.get("duration_ms", 0)))


class BatchError(RuntimeError):
    """The session ended before every command reported (connection lost, output truncated)."""


def build_script(commands: list[str], timeout_s: float, nonce: str | None = None,
                 watch_stdin: bool = False) -> tuple[str, str]:
    """Return (script, nonce). Each command is passed to ``sh -c`` as one quoted word. ``watch_stdin`` only
    where the caller keeps stdin open until the session ends (EOF means: stop now)."""
    nonce = nonce or secrets.token_hex(8)
    t = f"{timeout_s:g}"
    lines = [
        'd=$(mktemp -d "${TMPDIR:-/tmp}/bringup.XXXXXX") || exit 97',
        # c: the running command's timeout(1), which passes a TERM on to the command's own process group;
        # w: the watchdog. Both stopped, and the folder removed, whatever ends the script.
        "c= w=",
        "trap '[ -z \"$c\" ] || kill -TERM \"$c\" 2>/dev/null; [ -z \"$w\" ] || kill \"$w\" 2>/dev/null; "
        "rm -rf \"$d\"' EXIT",
        "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM",
        # Milliseconds from GNU date; 0 where date lacks %N, so the arithmetic below never breaks the script.
        "now() { t=$(date +%s%3N 2>/dev/null); case $t in ''|*[!0-9]*) echo 0;; *) echo \"$t\";; esac; }",
        "export LC_ALL=C",
    ]
    if watch_stdin:
        # An asynchronous list gets /dev/null as stdin unless redirected (POSIX 2.9.3), hence fd 3.
        lines.append("exec 3<&0; (while read -r _ <&3; do :; done; kill -TERM $$) >/dev/null 2>&1 & w=$!")
    for index, command in enumerate(commands):
        # In the background and waited for, so a trapped signal interrupts `wait` at once (POSIX 2.11: a
        # foreground command would first run to its own timeout).
        lines.append(
            f"s=$(now); timeout -k {KILL_AFTER_S} {t} sh -c {shlex.quote(command)} </dev/null >\"$d/o\" "
            f"2>\"$d/e\" 3<&- & c=$!; wait \"$c\"; rc=$?; c=; "
            f"e=$(now); printf '@@bringup {nonce} {index} %d %d %d %d\\n' \"$rc\" "
            f"$(wc -c <\"$d/o\") $(wc -c <\"$d/e\") $((e - s)); cat \"$d/o\" \"$d/e\""
        )
    return "\n".join(lines) + "\n", nonce


def parse_output(raw: bytes, commands: list[str], nonce: str) -> list[CommandResult]:
    header = re.compile(rb"@@bringup " + nonce.encode() + rb" (\d+) (-?\d+) (\d+) (\d+) (-?\d+)\n")
    results: list[CommandResult] = []
    pos = 0
    for index, command in enumerate(commands):
        match = header.search(raw, pos)
        if match is None or int(match.group(1)) != index:
            done = f"{index} of {len(commands)} commands reported"
            raise BatchError(f"probe session ended early ({done}); next command was: {command}")
        rc, out_len, err_len, ms = (int(g) for g in match.group(2, 3, 4, 5))
        start = match.end()
        if start + out_len + err_len > len(raw):
            raise BatchError(f"probe output truncated inside the output of: {command}")
        stdout = raw[start : start + out_len].decode("utf-8", "replace")
        stderr = raw[start + out_len : start + out_len + err_len].decode("utf-8", "replace")
        results.append(CommandResult(command, rc, stdout, stderr, max(ms, 0)))
        pos = start + out_len + err_len
    return results
