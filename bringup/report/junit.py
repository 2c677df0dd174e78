"""results.jsonl -> junit.xml, with junitparser.

One ``testsuite`` per layer, one ``testcase`` per check. Each testcase carries ``<properties>`` with
measured/expected/unit/layer/node: the shape pytest's xunit1 family writes and Jenkins' junit plugin (since
PR #541), Datadog and Testmo read. Blocked checks are ``skipped`` with the blocking cause as message.

Every string goes through :func:`bringup.report.safe_text.safe_text` first (a NUL or an ANSI-coloured
stderr line in a message would otherwise make the whole file unreadable).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite
from junitparser.junitparser import Properties, Property

from bringup.designs import LAYER_BY_NUMBER
from bringup.report.safe_text import safe_text

PROPERTY_KEYS = ("layer", "node", "item", "measured", "expected", "unit", "warning", "history", "history_median",
                 "history_values", "history_runs", "history_message", "history_last_green", "changed")
OUTCOMES = ("passed", "failed", "error", "skipped", "blocked")


def _layer(record: dict) -> int:
    try:
        return int(record.get("layer") or 0)
    except (TypeError, ValueError):
        return 0


def _case(record: dict) -> TestCase:
    try:
        duration = float(record.get("duration") or 0)
    except (TypeError, ValueError):
        duration = 0.0
    case = TestCase(safe_text(record.get("name") or record.get("nodeid") or "?"),
                    classname=safe_text(record.get("classname") or ""), time=duration)
    outcome = record.get("outcome")
    outcome = outcome if outcome in OUTCOMES else "error"  # a record we cannot read is not a pass
    message = safe_text(record.get("message") or "")
    if outcome in ("failed", "error"):
        kind = Failure if outcome == "failed" else Error
        case.result = [kind(message.splitlines()[0][:500] if message.strip() else outcome)]
        case.result[0].text = message
    elif outcome in ("skipped", "blocked"):
        case.result = [Skipped(message[:500])]
    present = [(key, record[key]) for key in PROPERTY_KEYS if record.get(key) not in (None, "")]
    if present:
        props = Properties()
        for key, value in present:
            props.append(Property(key, safe_text(value)))
        case.append(props)
    return case


def build(records: Iterable[dict], run_id: str) -> JUnitXml:
    by_layer: dict[int, list[dict]] = defaultdict(list)
    for record in records:
        by_layer[_layer(record)].append(record)
    xml = JUnitXml(name=safe_text(f"bringup {run_id}"))
    for number in sorted(by_layer):
        layer = LAYER_BY_NUMBER.get(number)
        suite = TestSuite(f"L{number:02d} {layer.slug}" if layer else "other")
        for record in by_layer[number]:
            suite.add_testcase(_case(record))
        suite.update_statistics()
        xml.add_testsuite(suite)
    xml.update_statistics()
    return xml


def write(records: Iterable[dict], run_id: str, path: Path) -> None:
    """junit.xml, atomically: on an OSError (disk full) the previous junit.xml stays and the error is raised."""
    xml = build(records, run_id)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        xml.write(str(tmp), pretty=True)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
