"""Run many commands in one remote session and get each command's rc, stdout and stderr back separately.

The batch is one POSIX sh script. Each command runs under ``timeout`` (so a hung tool costs its own budget,
not the run), with stdout and stderr sent to files in a private temporary directory that the script removes
on exit; then a frame header and both byte streams are printed:

    @@bringup <nonce> <index> <rc> <stdout-bytes> <stderr-bytes> <milliseconds>\\n<stdout><stderr>

Lengths, not delimiters, frame the payload, so no output can forge a frame. The nonce makes a stray header
line in real output harmless even when lengths are wrong (a truncated session), which is detected and
reported instead of being parsed into a silent partial result.
"""

from __future__ import annotations

import re
import secrets
import shlex
from dataclasses import dataclass

TIMEOUT_RC = 124  # coreutils timeout(1): the command timed out


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


def build_script(commands: list[str], timeout_s: float, nonce: str | None = None) -> tuple[str, str]:
    """Return (script, nonce). Each command is passed to ``sh -c`` as one quoted word."""
    nonce = nonce or secrets.token_hex(8)
    t = f"{timeout_s:g}"
    lines = [
        'd=$(mktemp -d "${TMPDIR:-/tmp}/bringup.XXXXXX") || exit 97',
        "trap 'rm -rf \"$d\"' EXIT",
        # Milliseconds from GNU date; 0 where date lacks %N, so the arithmetic below never breaks the script.
        "now() { t=$(date +%s%3N 2>/dev/null); case $t in ''|*[!0-9]*) echo 0;; *) echo \"$t\";; esac; }",
        "export LC_ALL=C",
    ]
    for index, command in enumerate(commands):
        lines.append(
            f"s=$(now); timeout -k 2 {t} sh -c {shlex.quote(command)} </dev/null >\"$d/o\" 2>\"$d/e\"; rc=$?; "
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
