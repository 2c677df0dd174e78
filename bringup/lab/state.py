"""The lab's state: one folder, /run/bringup-lab, and one JSON file in it.

Everything the lab makes is recorded here before it is made, so ``down`` can remove it after a crash; and
``down`` also finds leftovers by name (netns ``bringup-*``, the host veth) when the JSON itself is gone.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bringup.lab.errors import LabError

STATE_DIR = Path(os.environ.get("BRINGUP_LAB_STATE", "/run/bringup-lab"))
STATE_FILE = STATE_DIR / "state.json"
LOCK_FILE = Path("/run/bringup-lab.lock")


@dataclass
class Fault:
    fault: str
    node: str
    rail: str | None = None
    undo: dict = field(default_factory=dict)  # what heal needs to restore (saved routes, peer rail, ...)
    params: dict = field(default_factory=dict)  # how it was asked for (a throttle's percent below line rate)

    def label(self) -> str:
        percent = f" ({self.params['percent']:g}% below line rate)" if "percent" in self.params else ""
        return f"{self.fault} on {self.node}" + (f" {self.rail}" if self.rail else "") + percent


@dataclass
class LabState:
    nodes: int
    rails: int
    design: str
    created: float = field(default_factory=time.time)
    complete: bool = False  # False until `up` finished: a half-built lab is reported as such
    holders: dict[str, int] = field(default_factory=dict)  # machine -> pid of its namespace holder (pid 1)
    faults: list[Fault] = field(default_factory=list)
    inventory: str | None = None
    cpu_budget: str | None = None  # "1.5 CPU per node (/sys/fs/cgroup/bringup-lab)", or "none: why" (cgroups.py)

    @property
    def node_names(self) -> list[str]:
        from bringup.lab.addressing import node_name

        return [node_name(i) for i in range(1, self.nodes + 1)]

    @property
    def rail_names(self) -> list[str]:
        from bringup.lab.addressing import rail_name

        return [rail_name(r) for r in range(1, self.rails + 1)]

    def save(self) -> None:
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = STATE_FILE.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1))
        os.replace(tmp, STATE_FILE)


def load() -> LabState | None:
    """The recorded lab, or None when there is none. A corrupt file is an error naming it."""
    try:
        data = json.loads(STATE_FILE.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise LabError(f"{STATE_FILE}: unreadable lab state ({exc}); `bringup lab down` removes the lab anyway")
    data["faults"] = [Fault(**f) for f in data.get("faults", [])]
    return LabState(**data)


@contextmanager
def locked():
    """One lab command at a time (two `up`s racing would both create bringup-node01)."""
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LabError(f"another `bringup lab` command holds {LOCK_FILE}; wait for it to finish") from None
        yield
