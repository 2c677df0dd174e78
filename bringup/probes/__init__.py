"""What each layer reads from a node: an explicit registry of probe plans, one module per subject.

A probe is a key and a shell command. Every inventory value that goes into a command is quoted with
:func:`shlex.quote` by the subject module that builds it. A layer's plan is the list of probes its checks
read; the prober runs the whole plan in one session per node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from bringup.inventory import Node


@dataclass(frozen=True)
class Probe:
    key: str
    command: str


Plan = Callable[["Node"], list[Probe]]


def _plans() -> dict[int, Plan]:
    from bringup.probes import hardware, host_os

    return {1: hardware.plan, 6: host_os.plan}


def plan_for(node: "Node", layer: int) -> list[Probe]:
    plan = _plans().get(layer)
    return plan(node) if plan else []


def registered_layers() -> list[int]:
    return sorted(_plans())
