"""What a triage rule returns, and what it may compare against.

A rule module lives in :mod:`bringup.triage.rules` (found by name, no list to edit) and declares::

    TOOL = "ibstat"                      # the parser's TOOL in bringup.parsers.registry()
    def detect(text: str) -> bool: ...   # cheap; anchored on lines only that tool prints
    def findings(parsed, ctx: Context) -> list[Finding]: ...

``findings`` reports what the suites' checks would: a failure or warning in the check's own words, and an
``info`` line for what is healthy, so a pasted capture gets the same verdict a run would have given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["fail", "warn", "info"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    subject: str  # what it is about: "mlx5_0 port 1", "GPU 0000:18:00.0", "node03", "rail2"
    message: str  # the check's words: "link at 40000Mb/s, expected 100000"


@dataclass(frozen=True)
class Context:
    """Expectations a finding may use: the policy file merged with an inventory's declared values when
    ``--inventory`` is given (``expect``: policy.yml keys; ``hardware``/``fabric``: the bringup_hardware and
    bringup_fabric blocks as plain dicts), else the policy alone; ``source`` names the capture file."""

    source: str = "-"
    expect: dict[str, Any] = field(default_factory=dict)
    hardware: dict[str, Any] = field(default_factory=dict)
    fabric: dict[str, Any] = field(default_factory=dict)
