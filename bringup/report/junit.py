"""results.jsonl -> junit.xml, with junitparser.

One ``testsuite`` per layer, one ``testcase`` per check. The file validates against both schemas CI servers
read: Jenkins' (the xunit plugin's ``junit-10.xsd``) and the strict Apache Ant one (windyroad ``JUnit.xsd``,
the format GitLab's parser follows); both are vendored in ``tests/schemas/``. Neither admits ``<properties>``
inside a ``<testcase>``, so each check's measured/expected/unit/layer/node (``PROPERTY_KEYS``) are testsuite
properties named ``<testcase name>::<key>`` (:func:`case_properties` reads them back), and a failure's text
repeats them under its message, where GitLab, which ignores properties, shows them. Blocked checks are
``skipped`` with the blocking cause as message.

Every string goes through :func:`bringup.report.safe_text.safe_text` first (a NUL or an ANSI-coloured
stderr line in a message would otherwise make the whole file unreadable).
"""

from __future__ import annotations

import socket
import time
from collections import defaultdict
from pathlib import Path
from typing import Iterable
from xml.etree import ElementTree

from junitparser import Error, Failure, JUnitXml, Skipped, SystemErr, SystemOut, TestCase, TestSuite
from junitparser.junitparser import Properties

from bringup.designs import LAYER_BY_NUMBER
from bringup.report import atomic
from bringup.report.safe_text import safe_text

PROPERTY_KEYS = ("layer", "node", "item", "measured", "expected", "unit", "warning", "history", "history_median",
                 "history_values", "history_runs", "history_message", "history_last_green", "changed")
OUTCOMES = ("passed", "failed", "error", "skipped", "blocked")


def _layer(record: dict) -> int:
    try:
        return int(record.get("layer") or 0)
    except (TypeError, ValueError):
        return 0


def _present(record: dict) -> list[tuple[str, str]]:
    return [(key, safe_text(record[key])) for key in PROPERTY_KEYS if record.get(key) not in (None, "")]


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
        # the Ant schema requires a type; the exception class is not kept, the outcome says as much
        case.result = [kind(message.splitlines()[0][:500] if message.strip() else outcome, outcome)]
        details = "\n".join(f"{key}: {value}" for key, value in _present(record))
        case.result[0].text = message + (f"\n\n{details}" if details else "")
    elif outcome in ("skipped", "blocked"):
        case.result = [Skipped(message[:500])]
    return case


def case_properties(xml: JUnitXml) -> dict[str, dict[str, str]]:
    """testcase name -> its properties (``PROPERTY_KEYS``), from the testsuite properties of ``xml``."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for suite in xml:
        for prop in suite.properties():
            name, sep, key = (prop.name or "").rpartition("::")
            if sep:
                found[name][key] = prop.value
    return dict(found)


def build(records: Iterable[dict], run_id: str, hostname: str | None = None,
          timestamp: float | None = None) -> JUnitXml:
    by_layer: dict[int, list[dict]] = defaultdict(list)
    for record in records:
        by_layer[_layer(record)].append(record)
    xml = JUnitXml()
    # the Ant schema: a timestamp without zone, a host, and package/id on each aggregated testsuite
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() if timestamp is None else timestamp))
    host = safe_text(hostname or socket.gethostname() or "localhost")
    for index, number in enumerate(sorted(by_layer)):
        layer = LAYER_BY_NUMBER.get(number)
        suite = TestSuite(f"L{number:02d} {layer.slug}" if layer else "other")
        suite.timestamp, suite.hostname = stamp, host
        suite._elem.set("package", "bringup")
        suite._elem.set("id", str(index))
        suite.append(Properties())  # first, and present even when empty: the Ant schema's sequence
        suite.add_property("run_id", safe_text(run_id))
        suite.add_property("layer", str(number))
        for record in by_layer[number]:
            case = _case(record)
            for key, value in _present(record):
                suite.add_property(f"{case.name}::{key}", value)
            suite.append(case)  # add_testcase recounts the whole suite on every call: quadratic
        suite.append(SystemOut())
        suite.append(SystemErr())
        suite.update_statistics()
        xml.add_testsuite(suite)
    # Neither schema lets <testsuites> carry counts (the Ant one no attribute at all): readers sum the suites
    return xml


def indent(xml: JUnitXml) -> None:
    """Indent in place with ElementTree.indent: junitparser's pretty=True re-parses the file with minidom, about
    0.6 ms per testcase (9 s for a 512-node run's 15,000 checks), and the plugin rewrites junit.xml every 2 s."""
    ElementTree.indent(xml._elem, space="\t")


def write(records: Iterable[dict], run_id: str, path: Path) -> None:
    """junit.xml, atomically: on an OSError (disk full) the previous junit.xml stays and the error is raised."""
    write_xml(build(records, run_id), path)


def write_xml(xml, path: Path) -> None:
    """Indent and write a JUnit document atomically (the run's junit.xml, a merge's output)."""
    indent(xml)
    atomic.replace(path, lambda tmp: xml.write(str(tmp)))
