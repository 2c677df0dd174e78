"""``bringup report --merge RUN... -o FILE``: one JUnit file from several runs or CI shards (junitparser).

A CI job that splits the suites (``--layers 1-7`` on one runner, ``8-15`` on another, or node groups) or
reruns a failed part ends with several junit.xml files; dashboards want one. Each input is a run directory
(its junit.xml, or one rebuilt from results.jsonl when a killed run left none) or a JUnit file. The result
has one testsuite per name (per layer for bringup's own files), testcases keyed by (classname, name):

- a testcase found in more than one input keeps the **later** input's result (a rerun shard, or tonight's run
  after last night's), with its own properties; how many were replaced is reported, never silent;
- each testsuite names every run it drew from (``run_id`` properties) and is recounted from its testcases;
- the output has the same shape as a run's junit.xml, so it validates against the same two schemas
  (Jenkins' junit-10.xsd and the Ant JUnit.xsd GitLab's format follows).
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from junitparser import JUnitXml, Properties, SystemErr, SystemOut, TestCase, TestSuite

from bringup.report import junit
from bringup.rundir import read_results


class MergeError(Exception):
    """One line naming the input and what was wrong with it."""


@dataclass
class _Suite:
    name: str
    timestamp: str | None = None
    hostname: str | None = None
    runs: list[str] = field(default_factory=list)
    cases: dict[tuple[str, str], tuple[TestCase, dict[str, str], list[str]]] = field(default_factory=dict)


@dataclass
class Merged:
    xml: JUnitXml
    inputs: int
    testcases: int
    replaced: int


def _read(source: Path) -> tuple[str, JUnitXml]:
    if source.is_dir():
        run_id = source.name
        path = source / "junit.xml"
        if not path.exists():
            if not (source / "results.jsonl").exists():
                raise MergeError(f"{source}: neither junit.xml nor results.jsonl (not a run directory)")
            return run_id, junit.build(read_results(source), run_id)
    elif source.is_file():
        run_id, path = source.stem, source
    else:
        raise MergeError(f"{source}: no such run directory or JUnit file")
    try:
        xml = JUnitXml.fromfile(str(path))
    except (ParseError, OSError, ValueError) as exc:
        raise MergeError(f"{path}: not readable JUnit XML ({exc})") from None
    if isinstance(xml, TestSuite):  # a file whose root is one <testsuite>
        wrapper = JUnitXml()
        wrapper.add_testsuite(xml)
        xml = wrapper
    for suite in xml:   # bringup's own files name their run: prefer that over the folder name
        for prop in suite.properties():
            if prop.name == "run_id" and prop.value:
                return prop.value, xml
    return run_id, xml


_MOVED = ("system-out", "system-err", "rerunFailure", "rerunError", "flakyFailure", "flakyError")


def _normalized(case: TestCase, props: dict[str, str]) -> tuple[TestCase, dict[str, str], list[str]]:
    """A copy of ``case`` in the shape both schemas accept, whatever wrote it: per-testcase ``<properties>``
    (bringup's junit.xml before the schema fix, pytest's xunit1 family) become the suite's ``name::key``
    properties; a testcase's captured output and pytest-rerunfailures' rerun elements (Jenkins reads them, the
    Ant schema has no place for them) become lines of the suite's ``<system-out>``; a failure or error without
    a type gets its tag as type; other testcase attributes (pytest's file and line) become properties too;
    time and classname are set."""
    elem = copy.deepcopy(case._elem)
    props, moved = dict(props), []
    for block in elem.findall("properties"):
        for prop in block.findall("property"):
            props.setdefault(prop.get("name") or "", prop.get("value") or "")
        elem.remove(block)
    for attr in [a for a in elem.attrib if a not in ("name", "classname", "time")]:   # file, line, assertions...
        props.setdefault(attr, elem.attrib.pop(attr))
    for child in [c for c in elem if c.tag in _MOVED]:
        text = " ".join(filter(None, [child.get("message"), (child.text or "").strip()]))
        moved.append(f"[{elem.get('name')}] {child.tag}: {text}")
        elem.remove(child)
    for result in list(elem.findall("failure")) + list(elem.findall("error")):
        if not result.get("type"):
            result.set("type", result.tag)
    elem.set("time", elem.get("time") or "0")
    elem.set("classname", elem.get("classname") or "")
    return TestCase.fromelem(elem), {k: v for k, v in props.items() if k}, moved


def _ant_timestamp(stamp: str | None) -> str:
    """The Ant schema's timestamp: ISO 8601 to the second, no zone (pytest writes microseconds and +00:00);
    read as UTC when it has no zone, now when there is none or it cannot be read."""
    try:
        when = datetime.fromisoformat(stamp) if stamp else datetime.now(timezone.utc)
    except ValueError:
        when = datetime.now(timezone.utc)
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def merge(sources: list[Path]) -> Merged:
    suites: dict[str, _Suite] = {}
    replaced = 0
    for source in sources:
        run_id, xml = _read(Path(source))
        for suite in xml:
            name = suite.name or "unnamed"
            into = suites.setdefault(name, _Suite(name))
            into.timestamp = into.timestamp or suite.timestamp
            into.hostname = into.hostname or suite.hostname
            if run_id not in into.runs:
                into.runs.append(run_id)
            props = junit.case_properties([suite])
            for case in suite:
                key = (case.classname or "", case.name or "")
                if key in into.cases:
                    replaced += 1
                    del into.cases[key]   # re-inserted below: the merged order follows the latest input
                into.cases[key] = _normalized(case, props.get(case.name or "", {}))
    xml = JUnitXml()
    total = 0
    for index, name in enumerate(sorted(suites)):
        src = suites[name]
        suite = TestSuite(name)
        suite.timestamp = _ant_timestamp(src.timestamp)
        suite.hostname = src.hostname or "localhost"
        suite._elem.set("package", "bringup")
        suite._elem.set("id", str(index))
        suite.append(Properties())
        for run in src.runs:
            suite.add_property("run_id", run)
        for case, props, _ in src.cases.values():
            for key, value in props.items():
                suite.add_property(f"{case.name}::{key}", value)
        for case, _, _ in src.cases.values():
            suite.append(case)  # add_testcase recounts the whole suite on every call: quadratic
        out = SystemOut()
        out.text = "\n".join(line for _, _, moved in src.cases.values() for line in moved) or None
        suite.append(out)
        suite.append(SystemErr())
        suite.update_statistics()
        xml.add_testsuite(suite)
        total += len(src.cases)
    return Merged(xml, len(sources), total, replaced)


def write(merged: Merged, path: Path) -> None:
    junit.write_xml(merged.xml, Path(path))
