import pytest

from bringup.parsers import ParseError, sinfo
from tests.parsers.platform_fixtures import fixture


def test_default_form_with_state_flags():
    out = sinfo.parse(fixture("sinfo", "default_draining_fail.txt"))
    assert (out.form, out.timestamp, len(out.rows)) == ("partition", None, 9)
    first, failing, debug = out.rows[0], out.rows[1], out.rows[6]
    assert (first.partition, first.avail, first.timelimit, first.nodes, first.state, first.flags, first.nodelist) == (
        "cpu", "up", "7-00:00:00", 55, "drng", "@", "d[001-032],f[001-004,006-024]")
    assert (failing.state, failing.flags, failing.nodelist) == ("fail", "*", "f005")
    assert (debug.partition, debug.default, debug.timelimit) == ("debug", True, "10:00")
    assert out.rows[2].timelimit == "14-00:00:0"  # sinfo's %.10l cut, kept as printed
    assert not out.rows[3].default and out.rows[3].state == "maint"


def test_default_form_single_partition():
    (row,) = sinfo.parse(fixture("sinfo", "default_idle.txt")).rows
    assert (row.partition, row.default, row.timelimit, row.nodes, row.state, row.nodelist) == (
        "all", True, "infinite", 2, "idle", "g-[11-12]")


def test_node_long_with_reason():
    out = sinfo.parse(fixture("sinfo", "node_long_down.txt"))
    (row,) = out.rows
    assert (out.form, out.timestamp) == ("node-long", "Sun Jul 16 21:28:05 2017")
    assert (row.nodelist, row.partition, row.default, row.state, row.cpus, row.sockets_cores_threads) == (
        "b028", "xeon8", True, "down", 8, "2:4:1")
    assert (row.memory_mb, row.tmp_disk_mb, row.weight, row.features, row.reason) == (
        23900, 32752, 1, "xeon5570", "Node unexpectedly re")


def test_node_long_powered_off_cloud_nodes():
    rows = sinfo.parse(fixture("sinfo", "node_long_powered_off.txt")).rows
    assert [(r.state, r.flags) for r in rows[1:4]] == [("allocated", ""), ("idle", "~"), ("idle", "~")]
    last = rows[-1]
    assert (last.nodelist, last.cpus, last.memory_mb, last.features, last.reason) == (
        "queue1-dy-compute-resource-1-10", 96, 373555, "dynamic,", "none")


def test_prompt_and_indentation_are_harmless():
    out = sinfo.parse(fixture("sinfo", "node_long_prompt_indented.txt"))
    assert (out.timestamp, len(out.rows)) == ("Tue Feb 19 19:08:16 2019", 9)
    assert (out.rows[-1].nodelist, out.rows[-1].tmp_disk_mb, out.rows[-1].weight) == ("taos09", 6864803, 20)


def test_planned_and_powering_flags():
    text = fixture("sinfo", "default_draining_fail.txt").replace("  mix c[006", " mix- c[006").replace("   idle e[001", " idle# e[001", 1)
    rows = sinfo.parse(text).rows
    assert [(r.state, r.flags) for r in rows[5:7]] == [("mix", "-"), ("idle", "#")]


def test_partition_without_nodes():
    row = sinfo.parse("PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\ndebug        up   infinite      0    n/a \n").rows[0]
    assert (row.nodes, row.state, row.nodelist) == (0, "n/a", "")


def test_header_without_rows_raises():
    text = fixture("sinfo", "node_long_down.txt")
    with pytest.raises(ParseError, match="sinfo header without rows .output truncated, or a filter matched nothing"):
        sinfo.parse(text[: text.index("b028")])


def test_row_cut_midway_raises():
    text = fixture("sinfo", "default_idle.txt")
    with pytest.raises(ParseError, match="output ends mid-line"):
        sinfo.parse(text[:-6])
    with pytest.raises(ParseError, match=r"line 2 has 5 of the 6 columns PARTITION AVAIL TIMELIMIT NODES STATE "
                                         r"NODELIST \(cut\?\): 'all\* +up +infinite +2 +idle'"):
        sinfo.parse(text[: text.index(" g-[")] + "\n")


def test_garbled_count_raises():
    text = fixture("sinfo", "node_long_down.txt").replace(" 23900 ", " 239OO ")
    with pytest.raises(ParseError, match="line 3: MEMORY '239OO' is not a whole number"):
        sinfo.parse(text)


def test_other_output_raises():
    with pytest.raises(ParseError, match="line 1 comes before the sinfo header"):
        sinfo.parse("sinfo: error: Unable to contact slurm controller (connect failure)\n")
