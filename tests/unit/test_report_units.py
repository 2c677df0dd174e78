"""The report's pure parts: the check overview, the chart scale, Prometheus label escaping."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bringup.report import overview, prom
from bringup.report.runview import RunView
from bringup.report.svgchart import Chart, nice_ticks

CAUSE = "test_link_speed_matches_profile[node02-rail1]"


def _records():
    return [
        {"name": "test_a[node01]", "layer": 1, "node": "node01", "outcome": "passed"},
        {"name": CAUSE, "layer": 3, "node": "node02", "outcome": "failed", "message": "node02 rail1 at 200000 Mb/s"},
        {"name": "test_b[node02]", "layer": 4, "node": "node02", "outcome": "blocked",
         "message": f"blocked: node02 failed at L03: {CAUSE}"},
        {"name": "test_c[node02]", "layer": 5, "node": "node02", "outcome": "blocked",
         "message": "blocked: node02 failed at L03: a test that left no record"},
        {"name": "test_d[node01]", "layer": "x", "node": "node01", "outcome": "weird"},
    ]


def test_overview_counts_cells_and_links_blocked_cells_to_their_cause():
    ov = overview.build(_records())
    assert ov.layers == [0, 1, 3, 4, 5] and ov.nodes == ["node01", "node02"]
    assert ov.cells[(4, "node02")].worst == "blocked" and ov.cells[(4, "node02")].cause == 1
    assert ov.cells[(5, "node02")].cause is None   # the cause has no record: no link rather than a wrong one
    assert ov.cells[(0, "node01")].counts == {"error": 1}   # unreadable layer and outcome: never a pass
    assert dict(ov.totals) == {"passed": 1, "failed": 1, "blocked": 2, "error": 1}
    assert [(g.layer, g.check, g.total, [f.index for f in g.shown]) for g in ov.groups] == [
        (0, "test_d", 1, [4]), (3, "test_link_speed_matches_profile", 1, [1])]


def test_failure_groups_are_capped_but_keep_every_blocking_cause():
    records = [{"name": f"test_x[n{i:03d}]", "layer": 2, "node": f"n{i:03d}", "outcome": "failed"} for i in range(40)]
    records.append({"name": "test_y[n039]", "layer": 3, "node": "n039", "outcome": "blocked",
                    "message": "blocked: n039 failed at L02: test_x[n039]"})
    (group,) = overview.build(records).groups
    assert group.total == 40 and [f.index for f in group.shown] == list(range(overview.SHOWN_PER_GROUP)) + [39]


def test_nice_ticks_cover_the_data_with_round_steps():
    assert nice_ticks(0, 411.8) == [0, 100, 200, 300, 400, 500]
    assert nice_ticks(1.9, 2.6) == [1.8, 2.0, 2.2, 2.4, 2.6]
    assert nice_ticks(5, 5) == [5.0, 5.2, 5.4, 5.6, 5.8, 6.0]   # a flat series still gets an axis


def test_chart_text_is_escaped():
    chart = Chart('<b>"rail"</b> & co', "GB/s")
    chart.line([1, 2], [3, 4], "#000", label="<script>x</script>")
    svg = chart.render()
    assert "<b>" not in svg and "<script>" not in svg
    assert "&lt;b&gt;&#34;rail&#34;&lt;/b&gt; &amp; co" in svg and "&lt;script&gt;x&lt;/script&gt;" in svg


def test_prometheus_labels_escape_backslash_quote_newline_and_controls():
    assert prom.escape_label('a\\b"c\nd\x01') == 'a\\\\b\\"c\\nd\\\\x01'
    view = RunView(path=None, meta={"run_id": 'r"1', "started": 1.5, "status": "finished"},
                   records=[{"name": "t", "layer": 1, "node": 'odd"node\\\n', "outcome": "failed"}])
    families = {f.name: f for f in text_string_to_metric_families(prom.render(view))}
    (sample,) = families["bringup_checks"].samples
    assert sample.labels == {"layer": "1", "layer_name": "hardware", "node": 'odd"node\\\n', "outcome": "failed"}
    assert families["bringup_run_info"].samples[0].labels["run_id"] == 'r"1'
    assert families["bringup_run_start_timestamp_seconds"].samples[0].value == 1.5


def test_blame_table_shows_the_localization_rows_or_says_there_are_none(tmp_path):
    import re

    from bringup.report import html
    from tests.report_synthetic import make_run

    run = make_run(tmp_path / "run", nodes=4, checks=1)
    blame = run / "bench" / "blame.csv"
    blame.write_text("node,rail,link,evidence,confidence,kind,benchmark\n"
                     "node001,rail3,leaf3 swp1,rail3 of node001 at 196 Gb/s,0.92,rail,perftest-write-bw\n"
                     "node002+node003,,,the pair is slow,,link,osu-bw-hh\n")
    page = html.write(run).read_text()
    table = page[page.index('id="blame"'):page.index("</table>", page.index('id="blame"'))]
    assert re.findall(r"<th>(\w+)</th>", table) == ["node", "rail", "link", "evidence", "confidence", "kind",
                                                     "benchmark"]
    assert [re.findall(r"<td>([^<]*)</td>", row) for row in table.split("<tr>")[2:]] == [
        ["node001", "rail3", "leaf3 swp1", "rail3 of node001 at 196 Gb/s", "0.92", "rail", "perftest-write-bw"],
        ["node002+node003", "", "", "the pair is slow", "", "link", "osu-bw-hh"]]
    blame.write_text("node,rail,link,evidence,confidence,kind,benchmark\n")
    assert "The localization blamed nothing." in html.write(run).read_text()
    blame.write_text("host,why\nnode001,slow\n")   # not the contract's columns: said, not guessed
    page = html.write(run).read_text()
    assert f"{blame}: lacks the columns node, rail, link, evidence, confidence; left out" in page
    assert 'id="blame"' not in page


def test_a_report_that_cannot_be_written_is_named_not_raised(tmp_path, monkeypatch):
    from types import SimpleNamespace

    import pytest

    from bringup.plugin import STATE
    from bringup.report import artifacts, html_plugin

    def broken(run):
        raise ValueError("template exploded")

    monkeypatch.setattr(artifacts, "write_all", broken)
    run = SimpleNamespace(path=tmp_path, write_errors=[])
    config = SimpleNamespace(stash=pytest.Stash())
    config.stash[STATE] = SimpleNamespace(run=run)
    html_plugin.pytest_sessionfinish(SimpleNamespace(config=config), 0)
    assert run.write_errors == [f"{tmp_path}: summary.html/metrics.prom not written: ValueError: template exploded"]


def test_a_failure_shows_the_history_gate_verdict_and_what_changed(tmp_path):
    from bringup.report import html

    record = {"name": "test_benchmark_meets_baseline[nccl-all_reduce-ring@node01+node02]", "layer": 13,
              "node": "node01", "outcome": "failed", "message": "all_reduce 8 GiB busbw 329.2 GB/s is 13.4% under 380",
              "history": "regressed", "changed": "NCCL 2.21.5 -> 2.23.4 on all nodes"}
    page = html.render(RunView(path=tmp_path / "run", meta={}, records=[record]))
    row = page[page.index('<tr id="r0">'):page.index("</tr>", page.index('<tr id="r0">'))]
    assert row.endswith("is 13.4% under 380\nhistory: regressed\n"
                        "changed since the last green run: NCCL 2.21.5 -&gt; 2.23.4 on all nodes</td>")
    plain = html.render(RunView(path=tmp_path / "run", meta={}, records=[dict(record, history=None, changed=None)]))
    assert "history:" not in plain and "changed since" not in plain
