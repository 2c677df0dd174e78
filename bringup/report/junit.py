"""results.jsonl -> junit.xml, with junitparser.

One ``testsuite`` per layer, one ``testcase`` per check. Each testcase carries ``<properties>`` with
measured/expected/unit/layer/node: the shape pytest's xunit1 family writes and Jenkins' junit plugin (since
PR #541), Datadog and Testmo read. Blocked checks are ``skipped`` with the blocking cause as message.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite
from junitparser.junitparser import Properties, Property

from bringup.designs import LAYER_BY_NUMBER

PROPERTY_KEYS = ("layer", "node", "item", "measured", "expected", "unit", "warning")


def _case(record: dict) -> TestCase:
    case = TestCase(record["name"], classname=record.get("classname", ""), time=float(record.get("duration", 0)))
    outcome = record["outcome"]
    message = record.get("message") or ""
    if outcome == "failed":
        case.result = [Failure(message.splitlines()[0][:500] if message else "failed")]
        case.result[0].text = message
    elif outcome == "error":
        case.result = [Error(message.splitlines()[0][:500] if message else "error")]
        case.result[0].text = message
    elif outcome in ("skipped", "blocked"):
        case.result = [Skipped(message[:500])]
    present = [(key, record[key]) for key in PROPERTY_KEYS if record.get(key) not in (None, "")]
    if present:
        props = Properties()
        for key, value in present:
            props.append(Property(key, str(value)))
        case.append(props)
    return case


def build(records: Iterable[dict], run_id: str) -> JUnitXml:
    by_layer: dict[int, list[dict]] = defaultdict(list)
    for record in records:
        by_layer[int(record.get("layer") or 0)].append(record)
    xml = JUnitXml(name=f"bringup {run_id}")
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
    tmp = path.with_name(f".{path.name}.tmp")
    build(records, run_id).write(str(tmp), pretty=True)
    os.replace(tmp, path)
