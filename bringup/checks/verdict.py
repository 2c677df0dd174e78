"""A check's decision as data, and the comparisons that make one (pure: no pytest, no node, no I/O).

``Verdict(what, measured, reference, outcome, source, unit, message)``: what was compared, the measured value,
the reference it was held to (an expected value, or a bound written as text: ``>= 400``), pass/warn/fail, where
the reference came from (the inventory key, policy.yml, the fleet majority, a baseline) and, unless it passed,
the sentence a reader acts on. A check records exactly one verdict (:mod:`bringup.checks.record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bringup import expect

Outcome = Literal["pass", "warn", "fail"]


@dataclass(frozen=True)
class Verdict:
    what: str
    measured: Any
    reference: Any
    outcome: Outcome
    source: str = ""
    unit: str | None = None
    message: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in ("pass", "warn", "fail"):
            raise ValueError(f"verdict outcome {self.outcome!r}: one of pass, warn, fail")
        if self.outcome != "pass" and not self.message:
            raise ValueError(f"a {self.outcome} verdict on {self.what!r} needs a message naming what to fix")

    @property
    def failed(self) -> bool:
        return self.outcome == "fail"


@dataclass(frozen=True)
class NotApplicable:
    """Nothing to judge on this node, rail or GPU (a PCIe board has no NVLink): ``reason`` is the skip message,
    naming the subject and why. The ``check`` fixture skips with it."""

    reason: str


def _suffix(unit: str | None) -> str:
    return f" {unit}" if unit else ""


def equal(what: str, measured: Any, expected: expect.Expected, unit: str | None = None) -> Verdict:
    ok = measured == expected.value
    s = _suffix(unit)
    return Verdict(what, measured, expected.value, "pass" if ok else "fail", expected.source, unit,
                   "" if ok else f"{what}: {measured}{s} != {expected.value}{s} ({expected.source})")


def at_least(what: str, measured: float, expected: expect.Expected, unit: str | None = None) -> Verdict:
    ok = measured >= expected.value
    s = _suffix(unit)
    return Verdict(what, measured, f">= {expected.value}", "pass" if ok else "fail", expected.source, unit,
                   "" if ok else f"{what}: {measured}{s} < {expected.value}{s} ({expected.source})")


def at_most(what: str, measured: float, expected: expect.Expected, unit: str | None = None) -> Verdict:
    ok = measured <= expected.value
    s = _suffix(unit)
    return Verdict(what, measured, f"<= {expected.value}", "pass" if ok else "fail", expected.source, unit,
                   "" if ok else f"{what}: {measured}{s} > {expected.value}{s} ({expected.source})")


def within_fraction(what: str, measured: float, expected: expect.Expected, fraction: float,
                    unit: str | None = None) -> Verdict:
    """At least ``fraction`` of the expected figure (a bandwidth against its line rate or its peers)."""
    floor = expected.value * fraction
    ok = measured >= floor
    s = _suffix(unit)
    return Verdict(what, measured, f">= {floor:g}", "pass" if ok else "fail", expected.source, unit,
                   "" if ok else f"{what}: {measured:g}{s} < {floor:g}{s}, {fraction:.0%} of {expected.value:g}{s} "
                                 f"({expected.source})")


def fleet_identical(what: str, node: str, values: dict[str, Any], declared: expect.Expected | None) -> Verdict:
    """The node's value against the declared one, else the fleet majority (:class:`expect.NoConsensus` when
    there is none); the failure names every node that differs."""
    expected = declared or expect.fleet_majority(values)
    measured = values.get(node)
    if measured == expected.value:
        return Verdict(what, measured, expected.value, "pass", expected.source)
    others = ", ".join(expect.minority(values, expected))
    return Verdict(what, measured, expected.value, "fail", expected.source, None,
                   f"{what}: {node} has {measured!r}, expected {expected.value!r} ({expected.source}); "
                   f"nodes that differ: {others}")


def holds(what: str, ok: bool, measured: Any, reference: Any, source: str, message: str,
          unit: str | None = None, *, warn: bool = False) -> Verdict:
    """A rule that is not one comparison (a set of counters, a topology): ``message`` says what is wrong when
    ``ok`` is false; ``warn`` makes that a warning (recorded, the check passes) instead of a failure."""
    return Verdict(what, measured, reference, "pass" if ok else ("warn" if warn else "fail"), source, unit,
                   "" if ok else message)


def decisive(*verdicts: Verdict) -> Verdict:
    """One check, several comparisons (a link's duplex, then its speed): the first failure decides, else the
    first warning, else the last comparison (the one a reader looks at)."""
    if not verdicts:
        raise ValueError("decisive() needs at least one verdict")
    for outcome in ("fail", "warn"):
        for verdict in verdicts:
            if verdict.outcome == outcome:
                return verdict
    return verdicts[-1]
