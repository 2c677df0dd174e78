"""The ``check`` fixture's recorder: one verdict per check, as JUnit/results properties, then pass, warn or fail.

``check(verdict)`` (or ``check(v1, v2)``: :func:`~bringup.checks.verdict.decisive` picks the one that decides)
writes measured, expected (with its source) and unit on the item, replacing what an earlier call wrote, so no
unit of an earlier value stays beside a later value. A failing verdict raises AssertionError with its message
(pytest's failure line); a warning is recorded as the ``warning`` property and shown in pytest's warnings
summary, and the check passes; a :class:`~bringup.checks.verdict.NotApplicable` skips the check with its reason.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from bringup import expect
from bringup.checks import verdict as judge
from bringup.checks.verdict import NotApplicable, Verdict

RECORDED = ("measured", "expected", "unit", "warning")


class CheckWarning(UserWarning):
    """A check passed within its warn band (a figure near its floor): shown, recorded, not failed."""


class Check:
    def __init__(self, item: pytest.Item):
        self.item = item

    def __call__(self, *verdicts: Verdict | NotApplicable) -> Verdict:
        skipped = next((v for v in verdicts if isinstance(v, NotApplicable)), None)
        if skipped is not None:
            pytest.skip(skipped.reason)
        verdict = judge.decisive(*verdicts)
        expected = f"{verdict.reference} ({verdict.source})" if verdict.source else verdict.reference
        self._write({"measured": verdict.measured, "expected": expected, "unit": verdict.unit,
                     "warning": verdict.message if verdict.outcome == "warn" else None})
        if verdict.outcome == "fail":
            raise AssertionError(verdict.message)
        if verdict.outcome == "warn":
            warnings.warn(CheckWarning(verdict.message), stacklevel=2)
        return verdict

    def _write(self, fields: dict[str, Any]) -> None:
        kept = [(k, v) for k, v in self.item.user_properties if k not in RECORDED]
        self.item.user_properties[:] = kept + [(k, str(v)) for k, v in fields.items() if v is not None]

    def record(self, measured: Any, expected: Any = None, unit: str | None = None) -> None:
        """Measured/expected of a check that decides with its own assertion (kept for checks not yet written
        as a judge)."""
        self._write({"measured": measured, "expected": expected, "unit": unit})

    # The comparisons of bringup.checks.verdict, judged and recorded in one call.
    def equal(self, what: str, measured: Any, expected: expect.Expected, unit: str | None = None) -> Verdict:
        return self(judge.equal(what, measured, expected, unit))

    def at_least(self, what: str, measured: float, expected: expect.Expected, unit: str | None = None) -> Verdict:
        return self(judge.at_least(what, measured, expected, unit))

    def fleet_identical(self, what: str, node: str, values: dict[str, Any],
                        declared: expect.Expected | None) -> Verdict:
        return self(judge.fleet_identical(what, node, values, declared))
