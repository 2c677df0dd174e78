"""summary.html, metrics.prom and junit.xml of a real replayed run (the recorded H100 scenario with one rail at
half bandwidth), and `bringup report --merge`; checked with the parsers and schemas their readers use:
prometheus_client's text parser, Jenkins' junit-10.xsd and the Ant JUnit.xsd (tests/schemas/)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xmlschema
from junitparser import JUnitXml
from prometheus_client.parser import text_string_to_metric_families

from bringup.cli import main as bringup
from bringup.report import junit
from bringup.rundir import read_results
from tests.scenario_tools import SCENARIOS, apply_fault, build_healthy, load_fault, replay

SCHEMAS = Path(__file__).parents[1] / "schemas"
JENKINS = xmlschema.XMLSchema(str(SCHEMAS / "jenkins-junit-10.xsd"))
ANT = xmlschema.XMLSchema(str(SCHEMAS / "ant-junit-windyroad.xsd"))
RAIL3 = "test_benchmark_meets_baseline[perftest-write-bw@rail3@node01+node02]"
RAIL3_MESSAGE = ("ib_write_bw 64 KiB bandwidth 195.9 Gb/s is 50.0% under 392 Gb/s (lower -3%, "
                 "baselines/h100-cx7-400g/perftest.yaml:10)")


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """``pytest suites/ --replay`` of the H100 recording with rail3 of node01 at half bandwidth, as a user runs it."""
    base = tmp_path_factory.mktemp("h100report")
    source = build_healthy("h100", base / "recorded")
    apply_fault(source, load_fault(SCENARIOS / "h100" / "faults" / "bench_rail_half_bandwidth.yml"))
    records, proc = replay(source, base / "reports")
    run = Path(re.search(r"^run directory: (.+)$", proc.stdout, re.M).group(1))
    assert f"summary: {run / 'summary.html'}" in proc.stdout
    return run, records


def _families(run: Path) -> dict:
    return {f.name: f for f in text_string_to_metric_families((run / "metrics.prom").read_text())}


def test_summary_lists_failures_first_with_their_messages(replayed):
    run, records = replayed
    page = (run / "summary.html").read_text()
    failures, grid, bench = (page.index('id="failures"'), page.index('id="grid"'), page.index('id="bench"'))
    assert failures < grid < bench
    rows = re.findall(r'<tr id="r(\d+)"><td>([^<]*)</td><td>([^<]*)</td><td class="msg">([^<]*)', page)
    shown = {name: (int(index), node, message) for index, node, name, message in rows}
    assert set(shown) == {r["name"] for r in records if r["outcome"] == "failed"}
    index, node, message = shown[RAIL3]
    assert node == "node01" and message.startswith(RAIL3_MESSAGE)
    assert records[index]["name"] == RAIL3   # the anchor is the record's line in results.jsonl


def test_blocked_cells_link_to_the_failure_that_blocked_them(replayed):
    run, records = replayed
    page = (run / "summary.html").read_text()
    cause = next(i for i, r in enumerate(records) if r["name"] == RAIL3)
    cells = re.findall(r'<td class="c o-(\w+)" title="(node0\d) (L\d\d): ([^"]*)">(?:<a href="#r(\d+)">)?', page)
    by_cell = {(node, layer): (worst, counts, link) for worst, node, layer, counts, link in cells}
    assert len(by_cell) == 2 * 14   # 2 nodes x the 14 layers of design D2
    assert by_cell[("node01", "L13")][0] == "failed"
    assert by_cell[("node01", "L14")] == ("blocked", "3 blocked", str(cause))
    assert by_cell[("node01", "L01")] == ("passed", "32 passed", "")


def test_summary_is_self_contained_and_plots_the_benchmarks(replayed):
    run, _ = replayed
    page = (run / "summary.html").read_text()
    assert "<script" not in page and "<link" not in page and " src=" not in page and "@import" not in page
    assert set(re.findall(r"https?://[^\s\"')]+", page)) == {"http://www.w3.org/2000/svg"}   # the SVG namespace
    assert "default-src 'none'" in page
    assert "<title>perftest-write-bw bandwidth per rail</title>" in page
    rail_plot = page[page.index("<title>perftest-write-bw bandwidth per rail"):]
    rail_plot = rail_plot[:rail_plot.index("</svg>")]
    assert [f"rail{r}" for r in range(8)] == re.findall(r">(rail\d)</text>", rail_plot)
    assert "physical limit 400 Gb/s" in rail_plot and "baseline band" in rail_plot and ">failed</text>" in rail_plot
    curve = page[page.index("<title>nccl-tests all_reduce, 2 nodes: busbw vs size"):]
    curve = curve[:curve.index("</svg>")]
    assert "physical limit 400 GB/s" in curve and "baseline band (limit to reference)" in curve


def test_metrics_prom_parses_with_the_values_of_the_run(replayed):
    run, records = replayed
    families = _families(run)
    text = (run / "metrics.prom").read_text()
    for name in families:   # node_exporter's textfile collector wants HELP and TYPE before the samples
        assert f"# HELP {name} " in text and f"# TYPE {name} gauge" in text
    checks = {(s.labels["layer"], s.labels["node"], s.labels["outcome"]): s.value
              for s in families["bringup_checks"].samples}
    assert checks[("13", "node01", "failed")] == 3
    assert checks[("14", "node01", "blocked")] == 3
    assert sum(checks.values()) == len(records)
    values = {s.labels["case"] + "|" + s.labels["size"]: s for s in families["bringup_benchmark_value"].samples}
    rail3 = values["perftest-write-bw@rail3@node01+node02|65536"]
    assert rail3.value == 195.93 and rail3.labels == {
        "benchmark": "perftest", "op": "ib_write_bw", "size": "65536", "metric": "bandwidth", "nodes": "2",
        "rail": "rail3", "unit": "Gb/s", "case": "perftest-write-bw@rail3@node01+node02"}
    ok = {s.labels["case"] + "|" + s.labels["size"]: s.value for s in families["bringup_benchmark_ok"].samples}
    assert ok["perftest-write-bw@rail3@node01+node02|65536"] == 0
    assert ok["perftest-write-bw@rail2@node01+node02|65536"] == 1
    meta = json.loads((run / "meta.json").read_text())
    assert families["bringup_run_start_timestamp_seconds"].samples[0].value == meta["started"]
    for family in families.values():   # one sample per label set, or a scrape rejects the file
        keys = [tuple(sorted(s.labels.items())) for s in family.samples]
        assert len(keys) == len(set(keys)), family.name


def test_junit_validates_against_jenkins_and_ant_schemas(replayed):
    run, records = replayed
    JENKINS.validate(str(run / "junit.xml"))
    ANT.validate(str(run / "junit.xml"))
    xml = JUnitXml.fromfile(str(run / "junit.xml"))
    props = junit.case_properties(xml)[RAIL3]
    assert props == {"layer": "13", "node": "node01", "item": "rail3@node01+node02", "measured": "195.93",
                     "expected": "392", "unit": "Gb/s"}
    failure = next(c for s in xml for c in s if c.name == RAIL3).result[0]
    assert failure.message == RAIL3_MESSAGE and "measured: 195.93" in failure.text


def test_the_old_junit_shape_fails_both_schemas(tmp_path):
    # properties inside a testcase (pytest's xunit1 shape, bringup's junit.xml before): neither schema admits it
    old = tmp_path / "old.xml"
    old.write_text('<testsuites><testsuite name="L01 hardware" tests="1"><testcase name="t" classname="c" time="0">'
                   '<properties><property name="node" value="node01"/></properties></testcase></testsuite>'
                   '</testsuites>')
    assert not JENKINS.is_valid(str(old)) and not ANT.is_valid(str(old))


def _shard(run: Path, records: list[dict], layers: range, path: Path, **override) -> Path:
    chosen = [dict(r, **override) if override and r["name"] == RAIL3 else r for r in records if r["layer"] in layers]
    junit.write(chosen, run.name, path)
    return path


def test_merge_of_shards_keeps_one_suite_per_layer_and_the_later_duplicate(replayed, tmp_path, capsys):
    run, records = replayed
    low = _shard(run, records, range(1, 8), tmp_path / "shard-low.xml")
    high = _shard(run, records, range(8, 16), tmp_path / "shard-high.xml")
    rerun = _shard(run, records, range(13, 14), tmp_path / "rerun-l13.xml", outcome="passed", message="")
    out = tmp_path / "merged.xml"
    assert bringup(["report", "--merge", str(low), str(high), str(rerun), "-o", str(out)]) == 0
    l13 = sum(1 for r in records if r["layer"] == 13)
    assert capsys.readouterr().out.strip() == (
        f"merged 3 inputs: {len(records)} testcases in 14 testsuites; {l13} found in more than one input kept "
        f"the later input's result -> {out}")
    JENKINS.validate(str(out))
    ANT.validate(str(out))
    root = ElementTree.parse(out).getroot()
    assert [s.get("name") for s in root.findall("testsuite")][:3] == ["L01 hardware", "L02 firmware", "L03 links"]
    suite13 = root.find("testsuite[@name='L13 comm_libs']")
    assert suite13.get("tests") == str(l13) and suite13.get("failures") == "2"   # the rerun passed rail3
    assert junit.case_properties(JUnitXml.fromfile(str(out)))[RAIL3]["measured"] == "195.93"


def test_merge_of_run_directories_and_a_bad_input(replayed, tmp_path, capsys):
    run, records = replayed
    out = tmp_path / "merged.xml"
    assert bringup(["report", "--merge", str(run), str(run), "-o", str(out)]) == 0
    assert f"merged 2 inputs: {len(records)} testcases in 14 testsuites; {len(records)} found" in capsys.readouterr().out
    ANT.validate(str(out))
    assert bringup(["report", "--merge", str(run), str(tmp_path / "nowhere"), "-o", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"bringup report --merge: {tmp_path / 'nowhere'}: no such run directory or JUnit file")
    broken = tmp_path / "broken.xml"
    broken.write_text("<testsuites><testsuite")
    assert bringup(["report", "--merge", str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f"bringup report --merge: {broken}: not readable JUnit XML (")


def test_report_rebuilds_summary_and_metrics(replayed, tmp_path, capsys):
    run, _ = replayed
    (run / "summary.html").unlink()
    (run / "metrics.prom").unlink()
    assert bringup(["report", str(run)]) == 0
    out = capsys.readouterr().out
    assert f"summary: {run / 'summary.html'}" in out and f"metrics: {run / 'metrics.prom'}" in out
    assert RAIL3_MESSAGE in (run / "summary.html").read_text()
    assert "bringup_benchmark_value" in _families(run)
    assert bringup(["report", str(run), str(run)]) == 2
    assert "one run directory expected, got 2 (to combine runs: --merge)" in capsys.readouterr().err


# ---------------------------------------------------------------- in a real headless Chromium (Debian's chromium
# and chromium-driver, .ci/run), through selenium with the driver path given, so nothing is downloaded.
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for binary in (CHROMIUM, CHROMEDRIVER):
        if not Path(binary).exists():
            pytest.fail(f"{binary} missing: apt-get install chromium chromium-driver (see .ci/run)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1800"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def _open(driver, page: Path) -> tuple[list, set]:
    """Load ``page``; return the console messages and every URL the page requested."""
    driver.get_log("browser"), driver.get_log("performance")   # drop what an earlier page left
    driver.get(page.resolve().as_uri())
    console = driver.get_log("browser")
    events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    urls = {e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"}
    return console, urls


def _layout(driver) -> dict:
    return driver.execute_script("""
        const heat = [...document.querySelectorAll('table.heat')];
        return {h1: document.querySelector('h1').textContent, cells: document.querySelectorAll('td.c').length,
                svgs: [...document.querySelectorAll('svg')].filter(s => s.getBoundingClientRect().width > 100).length,
                lefts: heat.slice(0, 2).map(t => Math.round(t.getBoundingClientRect().left)),
                scripts: document.querySelectorAll('script').length, imgs: document.querySelectorAll('img').length,
                pwned: window.pwned === undefined ? null : window.pwned};""")


def test_chromium_renders_the_replayed_run_offline(browser, replayed):
    run, _ = replayed
    console, urls = _open(browser, run / "summary.html")
    assert console == [] and urls == {(run / "summary.html").resolve().as_uri()}
    layout = _layout(browser)
    assert layout["h1"] == f"bringup run {run.name}" and layout["svgs"] >= 9
    assert browser.execute_script("return document.querySelectorAll('td.c[title^=\"node0\"]').length") == 2 * 14
    browser.save_screenshot(str(run / "summary.png"))
    assert (run / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chromium_renders_512_nodes_in_side_by_side_blocks(browser, tmp_path):
    from tests.report_synthetic import make_run

    run = make_run(tmp_path / "run512", nodes=512, checks=2)
    assert bringup(["report", str(run)]) == 0
    assert (run / "summary.html").stat().st_size < 5_000_000
    console, urls = _open(browser, run / "summary.html")
    assert console == [] and urls == {(run / "summary.html").resolve().as_uri()}
    layout = _layout(browser)
    assert layout["cells"] == 512 * 15 and layout["svgs"] == 2
    assert layout["lefts"][1] > layout["lefts"][0]   # node blocks of 64 side by side, not one 512-row column
    browser.save_screenshot(str(run / "summary.png"))
    assert (run / "summary.png").stat().st_size > 10_000


def test_hostile_names_and_messages_are_shown_not_run(browser, tmp_path):
    from tests.report_synthetic import make_run

    run = make_run(tmp_path / "hostile", nodes=4, checks=1, node_name=lambda i: f"n{i}{HOSTILE}" if i == 1 else f"n{i}",
                   message_extra=HOSTILE)
    (run / "bench" / "blame.csv").write_text(f'node,rail,link,evidence,confidence\nn1,rail3,leaf1 swp3,"{HOSTILE.replace(chr(34), chr(34) * 2)}",0.9\n')
    assert bringup(["report", str(run)]) == 0
    page = (run / "summary.html").read_text()
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    console, urls = _open(browser, run / "summary.html")
    assert console == [] and urls == {(run / "summary.html").resolve().as_uri()}
    layout = _layout(browser)
    assert (layout["scripts"], layout["imgs"], layout["pwned"]) == (0, 0, None)
    blame = browser.execute_script("return document.querySelector('#blame + table').innerText")
    assert HOSTILE in blame   # shown as text
    families = _families(run)
    nodes = {s.labels["node"] for s in families["bringup_checks"].samples}
    assert f"n1{HOSTILE}" in nodes   # prometheus_client reads the escaped label back to the same text


def test_trend_lines_appear_when_earlier_runs_sit_beside_the_run(replayed, tmp_path):
    pytest.importorskip("bringup.history", reason="the history loader (issue 11 item 1) is not in this tree")
    run, _ = replayed
    reports = tmp_path / "reports"
    for name, days_ago in (("20261101-000000-h100-aaaa", 2), ("20261102-000000-h100-bbbb", 1), (run.name, 0)):
        copy = shutil.copytree(run, reports / name, ignore=shutil.ignore_patterns("probes"))
        meta = json.loads((copy / "meta.json").read_text())
        meta.update(run_id=name, started=meta["started"] - days_ago * 86400, ended=meta["ended"] - days_ago * 86400)
        (copy / "meta.json").write_text(json.dumps(meta))
    assert bringup(["report", str(reports / run.name)]) == 0
    page = (reports / run.name / "summary.html").read_text()
    assert 'id="history"' in page
    assert "<title>nccl-all_reduce-ring busbw at 8 GiB, 3 runs</title>" in page
    alone = tmp_path / "alone"
    shutil.copytree(run, alone / run.name, ignore=shutil.ignore_patterns("probes"))
    assert bringup(["report", str(alone / run.name)]) == 0
    assert 'id="history"' not in (alone / run.name / "summary.html").read_text()   # one run: no trend to draw


def test_merge_normalizes_a_junit_file_pytest_wrote(tmp_path, replayed, capsys):
    # pytest's own xunit1 output (per-testcase properties, captured stdout in the testcase) is valid for neither
    # schema; merged, it is valid for both and keeps the property and the output.
    import subprocess
    import sys

    (tmp_path / "test_shard.py").write_text(
        "def test_one(record_property):\n    record_property('node', 'node07')\n    print('hello from node07')\n"
        "def test_two():\n    assert 1 == 2, 'two is not one'\n")
    xml = tmp_path / "pytest.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "/dev/null",
                    "--rootdir", str(tmp_path), f"--junitxml={xml}", "-o", "junit_family=xunit1",
                    "-o", "junit_logging=system-out", str(tmp_path / "test_shard.py")],
                   cwd=tmp_path, capture_output=True, check=False)
    assert xml.exists() and not JENKINS.is_valid(str(xml)) and not ANT.is_valid(str(xml))
    out = tmp_path / "merged.xml"
    run, _ = replayed
    assert bringup(["report", "--merge", str(run), str(xml), "-o", str(out)]) == 0
    JENKINS.validate(str(out))
    ANT.validate(str(out))
    merged = JUnitXml.fromfile(str(out))
    assert junit.case_properties(merged)["test_one"] == {"node": "node07", "file": "test_shard.py", "line": "0"}
    pytest_suite = next(s for s in merged if s.name == "pytest")
    system_out = pytest_suite._elem.find("system-out").text
    assert "[test_one] system-out: " in system_out and "hello from node07" in system_out
    failure = next(c for c in pytest_suite if c.name == "test_two").result[0]
    assert failure.type == "failure" and "two is not one" in failure.message
