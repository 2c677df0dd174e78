"""The run directory: the contract between a run and everything that reads it later.

``reports/<run-id>/`` holds ``meta.json`` (inventory digest, tool version, git commit, start/end, and
``status``: "running" from the start, "finished" or "interrupted" at the end, so a SIGKILLed run is told
apart), ``results.jsonl`` (one record per check, appended and flushed as each check finishes, so a killed run
keeps every finished result), ``probes/`` (raw outputs, for replay), ``inventory/`` (a redacted snapshot, so a
replay needs nothing else; :mod:`bringup.inventory_snapshot`) and ``junit.xml``. ``reports/latest`` points at
the newest run. Everything written here is redacted first (:mod:`bringup.redaction`).

A reports folder that cannot be written is a :class:`RunDirError` at the start (one line naming the path);
a write that fails later (disk full) keeps what was already written, stops that file and is remembered in
``RunDir.write_errors`` so the run ends with a message instead of a traceback.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from bringup import __version__
from bringup.inventory_snapshot import snapshot_inventory
from bringup.redaction import REDACTED, Redactor, redact

__all__ = ["FINISHED", "INTERRUPTED", "REDACTED", "REPORTS_ROOT", "RUNNING", "RunDir", "RunDirError", "git_commit",
           "new_run_id", "read_results", "redact", "snapshot_inventory"]

REPORTS_ROOT = Path(__file__).resolve().parent.parent / "reports"
RUNNING, FINISHED, INTERRUPTED = "running", "finished", "interrupted"
MAX_ID_TRIES = 50


class RunDirError(Exception):
    """The reports folder cannot hold a new run; the message is one line naming the path."""


def new_run_id(inventory_name: str) -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{inventory_name}-{secrets.token_hex(2)}"


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


@dataclass
class RunDir:
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)
    redactor: Redactor = field(default_factory=Redactor)
    write_errors: list[str] = field(default_factory=list)
    results_written: int = 0
    _results_broken: bool = False

    @classmethod
    def create(cls, root: Path, run_id: str, meta: dict[str, Any], redactor: Redactor | None = None) -> "RunDir":
        """``root/run_id`` (``run_id-2``, ``-3``... if taken), its meta.json and reports/latest."""
        root = Path(root)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunDirError(f"reports directory {root}: cannot create it: {_why(exc)}") from None
        for attempt in range(1, MAX_ID_TRIES + 1):
            candidate = run_id if attempt == 1 else f"{run_id}-{attempt}"
            path = root / candidate
            try:
                path.mkdir()
                break
            except FileExistsError:
                continue
            except OSError as exc:
                raise RunDirError(f"reports directory {root}: cannot create run directory {candidate}: "
                                  f"{_why(exc)}") from None
        else:
            raise RunDirError(f"reports directory {root}: {run_id} and {MAX_ID_TRIES - 1} variants all exist")
        run = cls(path, {
            "run_id": candidate,
            "status": RUNNING,
            "tool_version": __version__,
            "git_commit": git_commit(),
            "controller": socket.gethostname(),
            "pid": os.getpid(),
            "python": sys.version.split()[0],
            "argv": sys.argv,
            "started": time.time(),
            "ended": None,
            **meta,
        }, redactor or Redactor())
        try:
            (path / "probes").mkdir()
        except OSError as exc:
            raise RunDirError(f"run directory {path}: cannot create probes/: {_why(exc)}") from None
        if not run.write_meta():
            raise RunDirError(run.write_errors[-1])
        latest = root / "latest"
        try:
            tmp = root / f".latest-{candidate}"
            tmp.symlink_to(candidate)
            os.replace(tmp, latest)
        except OSError:
            pass  # a filesystem without symlinks: the run is still complete, only the shortcut is missing
        return run

    def snapshot(self, inventory: Path) -> list[str]:
        """The redacted inventory copy; returns what was left out (symlinks, scripts...), also kept in meta."""
        try:
            warnings = snapshot_inventory(inventory, self.path / "inventory", self.redactor)
        except OSError as exc:
            warnings = [f"inventory snapshot: {self.path / 'inventory'}: {_why(exc)}; replay of this run will lack "
                        f"its inventory"]
        if warnings:
            self.meta["inventory_snapshot_warnings"] = warnings
        return warnings

    def write_meta(self) -> bool:
        """meta.json, atomically; False (and the old meta.json kept) when it cannot be written."""
        tmp = self.path / ".meta.json.tmp"
        try:
            tmp.write_text(json.dumps(self.redactor.data(self.meta), indent=1, default=str))
            os.replace(tmp, self.path / "meta.json")
            return True
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            self.write_errors.append(f"{self.path / 'meta.json'}: not updated: {_why(exc)}")
            return False

    def finish(self, status: str = FINISHED, **extra: Any) -> bool:
        self.meta.update(extra, status=status, ended=time.time())
        return self.write_meta()

    @property
    def results_path(self) -> Path:
        return self.path / "results.jsonl"

    def append_result(self, record: dict[str, Any]) -> bool:
        """Append one record (redacted) in one write; on a failed write (ENOSPC) the partial line is cut off,
        later records are not attempted, and False is returned: what was written stays readable."""
        if self._results_broken:
            return False
        line = (json.dumps(self.redactor.data(record), default=str) + "\n").encode()
        try:
            fd = os.open(self.results_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            return self._results_failed(exc)
        try:
            size = os.fstat(fd).st_size
            try:
                written = os.write(fd, line)
                if written != len(line):
                    raise OSError(28, os.strerror(28))  # a short write: the disk filled mid-line
            except OSError as exc:
                try:
                    os.ftruncate(fd, size)
                except OSError:
                    pass  # read_results drops a cut last line anyway
                return self._results_failed(exc)
        finally:
            os.close(fd)
        self.results_written += 1
        return True

    def _results_failed(self, exc: OSError) -> bool:
        self._results_broken = True
        self.write_errors.append(f"{self.results_path}: {_why(exc)} after {self.results_written} records; "
                                 f"those are kept, later results were not recorded")
        return False


def read_results(run_path: Path) -> Iterator[dict[str, Any]]:
    """Records of a run; a last line cut short by a kill is ignored, everything before it is kept."""
    path = Path(run_path) / "results.jsonl"
    if not path.exists():
        return
    # split on "\n" only: records are ASCII JSON (json.dumps escapes the rest), and str.splitlines would also
    # cut at \x1c or U+2028 in a hand-edited file
    for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            yield record
