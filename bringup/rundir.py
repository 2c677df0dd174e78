"""The run directory: the contract between a run and everything that reads it later.

``reports/<run-id>/`` holds ``meta.json`` (inventory digest, tool version, git commit, start/end),
``results.jsonl`` (one record per check, appended and flushed as each check finishes, so a killed run keeps
every finished result), ``probes/`` (raw outputs, for replay), ``inventory/`` (a redacted snapshot, so a replay
needs nothing else) and ``junit.xml``. ``reports/latest`` points at the newest run.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from bringup import __version__

REPORTS_ROOT = Path(__file__).resolve().parent.parent / "reports"
# Variable names whose values never leave the inventory (ansible_password, *_token, vault ids...).
SECRET_KEY = re.compile(r"(pass(word|wd)?|secret|token|private_key|api_key|credential)", re.IGNORECASE)
REDACTED = "<redacted by bringup>"


def new_run_id(inventory_name: str) -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{inventory_name}-{secrets.token_hex(2)}"


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if SECRET_KEY.search(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def snapshot_inventory(source: Path, target: Path) -> None:
    """Copy the inventory for offline replay, with secret-looking values replaced and vault files left out."""
    files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
    base = source.parent if source.is_file() else source
    for path in files:
        dest = target / path.relative_to(base)
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(errors="replace")
        if text.startswith("$ANSIBLE_VAULT"):
            continue
        if path.suffix in (".yml", ".yaml"):
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            dest.write_text(yaml.safe_dump(redact(data), sort_keys=False))
        elif path.suffix in (".csv",):
            shutil.copyfile(path, dest)
        # Other files (INI inventories, scripts) might hold secrets in forms we can't parse: not copied.


@dataclass
class RunDir:
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path, run_id: str, meta: dict[str, Any]) -> "RunDir":
        path = root / run_id
        path.mkdir(parents=True)
        (path / "probes").mkdir()
        run = cls(path, {
            "run_id": run_id,
            "tool_version": __version__,
            "git_commit": git_commit(),
            "controller": socket.gethostname(),
            "python": sys.version.split()[0],
            "argv": sys.argv,
            "started": time.time(),
            "ended": None,
            **meta,
        })
        run.write_meta()
        latest = root / "latest"
        try:
            tmp = root / f".latest-{run_id}"
            tmp.symlink_to(run_id)
            os.replace(tmp, latest)
        except OSError:
            pass
        return run

    def write_meta(self) -> None:
        tmp = self.path / ".meta.json.tmp"
        tmp.write_text(json.dumps(redact(self.meta), indent=1, default=str))
        os.replace(tmp, self.path / "meta.json")

    def finish(self, **extra: Any) -> None:
        self.meta.update(extra, ended=time.time())
        self.write_meta()

    @property
    def results_path(self) -> Path:
        return self.path / "results.jsonl"

    def append_result(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, default=str) + "\n"
        with open(self.results_path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()


def read_results(run_path: Path) -> Iterator[dict[str, Any]]:
    """Records of a run; a last line cut short by a kill is ignored, everything before it is kept."""
    path = Path(run_path) / "results.jsonl"
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue
