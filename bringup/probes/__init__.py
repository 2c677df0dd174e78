"""What each layer reads from a node: an explicit registry of probe plans, one module per subject.

A probe is a key, a shell command and the parser that reads its output, declared together by one function of
its subject module (``qos.mlnx_qos(rail)``). Every inventory value that goes into a command is quoted with
:func:`shlex.quote` there. A layer's plan is the list of probes its checks read; the prober runs the whole plan
in one session per node, and a check reads typed facts back by handing over the same object
(``facts.get(qos.mlnx_qos(rail))``): the key string is written once, in the probe function. Recorded
captures and fault overlays name probes by that key; ``tests/replay/test_probe_keys.py`` fails when one names
a key no plan has, so renaming a probe breaks a test, not a user's replay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from bringup.inventory import Node


_KEY = re.compile(r"^[A-Za-z0-9_.@+-]+$")


@dataclass(frozen=True)
class Probe:
    """``key`` names the result (and the file of a recorded scenario): letters, digits and ``_.@+-`` only."""

    key: str
    command: str
    # A probe that needs longer than the run's --probe-timeout (a benchmark job) says so; the layer's batch
    # then runs under the longest such value.
    timeout_s: float | None = None
    # What turns the output into facts (a bringup.parsers module's parse); None: the check reads the raw result.
    parser: Callable[[str], Any] | None = field(default=None, compare=False, repr=False)
    # Exit statuses that still carry an answer (grep's 1 for "no line matched").
    allow_rc: tuple[int, ...] = field(default=(0,), compare=False)
    # A vendor tool or interface only the DOCA/MLNX_OFED stack provides ("mlnx_qos"): missing on a node whose
    # inventory does not declare that stack, the check skips instead of failing (bringup.checks.network).
    vendor: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"probe key {self.key!r} must match {_KEY.pattern}")


Plan = Callable[["Node"], list[Probe]]


def _plans() -> dict[int, Plan]:
    from bringup.probes import hardware, host_os
    from bringup.probes import links, qos, rdma, routing, sriov, switch_qos, underlay

    plans: dict[int, Plan] = {1: hardware.plan, 6: host_os.plan}
    # network layers (issue 5)
    plans.update({3: links.plan, 4: underlay.plan, 5: switch_qos.plan, 7: rdma.plan, 8: qos.plan,
                  9: routing.plan, 10: sriov.plan})
    # platform, GPU and communication-library layers (issue 5)
    from bringup.probes import commlibs, gdr, gpu, platform

    plans.update({2: platform.plan, 11: gpu.plan, 12: gdr.plan, 13: commlibs.plan})
    # runtime and scheduler layers (issue 3, the lab)
    from bringup.probes import runtime, scheduler

    plans.update({14: runtime.plan, 15: scheduler.plan})
    return plans


def plan_for(node: "Node", layer: int) -> list[Probe]:
    plan = _plans().get(layer)
    return plan(node) if plan else []


def registered_layers() -> list[int]:
    return sorted(_plans())
