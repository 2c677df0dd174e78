"""The lab's one exception type, and the helper that runs a command and names it when it fails."""

from __future__ import annotations

import subprocess


class LabError(Exception):
    """A lab operation failed; the message names the machine, command or file, and what to do."""


def run(argv: list[str], *, what: str = "", check: bool = True, timeout: float = 60,
        input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``argv`` (never through a shell); on failure raise LabError with the command and its stderr."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, input=input)
    except FileNotFoundError:
        raise LabError(f"{what + ': ' if what else ''}{argv[0]} not found (is its package installed?)") from None
    except subprocess.TimeoutExpired:
        raise LabError(f"{what + ': ' if what else ''}`{' '.join(argv)}` did not finish in {timeout:g} s") from None
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise LabError(f"{what + ': ' if what else ''}`{' '.join(argv)}` exited {proc.returncode}: "
                       f"{detail[-1] if detail else 'no output'}")
    return proc
