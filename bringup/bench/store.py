"""The benchmark half of the run directory: ``RUN/bench/``.

One folder per benchmark case, written as the case finishes (atomically, so a killed run leaves only whole
files), and one results table for the run::

    bench/<case>/launch.json    what ran: launcher kind, the node it ran from, argv (or the MPIJob manifest),
                                files it wrote (the hostfile), environment, timeout
    bench/<case>/output.json    rc, stdout, stderr, seconds, timed_out, error (launcher failure, unreachable node)
    bench/<case>/counters.json  NIC counter snapshots of each participant before and after (ethtool -S)
    bench/results.csv           every measured figure of every case (the contract's results rows)
    bench/verdicts.csv          the same rows judged against the baselines (outcome, limit, message)

``--replay`` reads the same files, so a recorded run is re-judged (against other baselines with
``--baselines DIR``) without touching a node. Case ids become folder names: they are checked, never trusted.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

_CASE_ID = re.compile(r"^[A-Za-z0-9_.@+=-]{1,200}$")


class BenchStoreError(RuntimeError):
    pass


@dataclass
class Outcome:
    """How one benchmark launch ended; ``error`` is set when there is no benchmark output to judge."""

    rc: int | None
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    timed_out: bool = False
    error: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Outcome":
        return cls(**{k: data.get(k) for k in ("rc", "stdout", "stderr", "seconds", "timed_out", "error")
                      if k in data})


@dataclass
class Recorded:
    case: str
    launch: dict[str, Any]
    outcome: Outcome
    counters: dict[str, Any] = field(default_factory=dict)


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, default=str)
    os.replace(tmp, path)


class BenchStore:
    def __init__(self, run_dir: Path):
        self.root = Path(run_dir) / "bench"

    def case_dir(self, case: str) -> Path:
        if not _CASE_ID.match(case) or case in (".", ".."):
            raise BenchStoreError(f"benchmark case id {case!r} is not a safe folder name ({_CASE_ID.pattern})")
        return self.root / case

    def write_launch(self, case: str, launch: dict[str, Any]) -> None:
        _write_json(self.case_dir(case) / "launch.json", launch)

    def write_outcome(self, case: str, outcome: Outcome) -> None:
        _write_json(self.case_dir(case) / "output.json", asdict(outcome))

    def write_counters(self, case: str, counters: dict[str, Any]) -> None:
        _write_json(self.case_dir(case) / "counters.json", counters)

    def read(self, case: str) -> Recorded | None:
        folder = self.case_dir(case)
        output = folder / "output.json"
        if not output.exists():
            return None
        try:
            launch = json.loads((folder / "launch.json").read_text()) if (folder / "launch.json").exists() else {}
            counters = json.loads((folder / "counters.json").read_text()) \
                if (folder / "counters.json").exists() else {}
            return Recorded(case, launch, Outcome.from_json(json.loads(output.read_text())), counters)
        except (OSError, ValueError, TypeError) as exc:
            raise BenchStoreError(f"{folder}: unreadable benchmark record: {exc}") from None

    def write_table(self, name: str, frame: pd.DataFrame) -> Path:
        """Replace ``bench/<name>.csv`` with ``frame`` (atomically)."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".csv")
        os.close(fd)
        frame.to_csv(tmp, index=False)
        target = self.root / f"{name}.csv"
        os.replace(tmp, target)
        return target

    def read_table(self, name: str) -> pd.DataFrame | None:
        path = self.root / f"{name}.csv"
        if not path.exists():
            return None
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
