"""NetPIPE (NPopenmpi) progress output and np.out: exact values from real captures (tests/fixtures/netpipe/README.md)."""

from pathlib import Path

import pytest

from bringup.bench import rows
from bringup.parsers import ParseError, netpipe, registry

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "netpipe"


def _parse(name):
    return netpipe.parse((FIX / name).read_text())


def test_mpirun_progress_lines():
    report = _parse("lab_mpirun_rail1.out")
    assert report.hosts == {0: "node01", 1: "node02"}
    assert len(report.points) == 40  # -p 0: powers of two and their midpoints, 1 B .. 1 MiB
    assert report.points[0] == netpipe.Point(1, 0.53, 14.38, 206)
    assert report.points[-1] == netpipe.Point(1048576, 7001.12, 1142.67, 31)
    assert report.latency_usec == 14.38


def test_netpipe_mbps_are_2_to_the_20_bits():
    point = _parse("lab_mpirun_rail1.out").points[-1]
    # 1 MiB one way in 1142.67 us is 7.341 Gb/s decimal, i.e. 7001.12 x 2^20 bit/s
    assert point.gbps == pytest.approx(1048576 * 8 / 1142.67e-6 / 1e9, rel=1e-5)
    assert point.gbps == pytest.approx(7001.12 * 1048576 / 1e9)


def test_srun_output_and_its_np_out_agree():
    lines = _parse("lab_srun_pmix_rail1.out")
    table = _parse("lab_srun_pmix_rail1.np.out")
    assert table.hosts == {}
    assert [p.size for p in lines.points] == [p.size for p in table.points]
    assert table.points[-1] == netpipe.Point(1048576, 1772.982471, 4512.17)
    assert lines.points[-1].usec == table.points[-1].usec


def test_np_out_with_perturbations():
    report = _parse("lab_mpirun_4mib_perturbed.np.out")
    assert len(report.points) == 118
    assert report.points[0] == netpipe.Point(1, 0.485196, 15.72)
    assert report.points[-1] == netpipe.Point(4194307, 3031.342083, 10556.39)


def test_tagged_timestamped_lines_with_seconds():
    report = _parse("public_ucx_2329_tagged.out")
    assert len(report.points) == 8
    assert report.points[0] == netpipe.Point(1572863, 168579.42, 71.183, 2341)
    assert report.points[-1] == netpipe.Point(3145730, 175380.67, 136.845, 1217)


def test_srun_label_prefixes_do_not_eat_row_numbers():
    text = "0: 0: node01\n1: 1: node02\n0: 105: 1048579 bytes      4 times -->    690.96 Mbps in   11578.11 usec\n"
    report = netpipe.parse(text)
    assert report.hosts == {0: "node01", 1: "node02"}
    assert report.points == (netpipe.Point(1048579, 690.96, 11578.11, 4),)


def test_an_aborted_run_quotes_the_mpi_error():
    with pytest.raises(ParseError, match=r"line 4: the NetPIPE run failed: .*readv failed: Operation timed out"):
        _parse("public_exo_586_aborted.out")


def test_a_point_cut_before_its_rate_is_an_error():
    text = "Now starting the main loop\n  0:       1 bytes   1492 times -->      0.16 Mbps in      48.19 usec\n" \
           "  1:       2 bytes   2074 times -->\n"
    with pytest.raises(ParseError, match="line 3: the run stopped during 2 bytes"):
        netpipe.parse(text)


@pytest.mark.parametrize("text,message", [
    ("Sending output to /dev/null\n0: node01\n1: node02\n", "no NetPIPE result line.*Sending output"),
    ("", "no NetPIPE result line"),
    ("  0:       1 bytes   1492 times -->      0.16 Mbps in      48.19 usec", "ends mid-line"),
])
def test_no_result_or_cut_output(text, message):
    with pytest.raises(ParseError, match=message):
        netpipe.parse(text)


def test_registered_for_bringup_parse():
    assert registry()["netpipe"] is netpipe.parse


def test_results_rows_bandwidth_in_gbps_and_latency_in_us():
    frame = rows.netpipe_rows(_parse("lab_mpirun_rail1.out"), case="netpipe-pair@node01+node02", subject="node01+node02")
    assert len(frame) == 80
    last = frame[frame["size"] == 1048576].set_index("metric")
    assert last.loc["bandwidth", "unit"] == "Gb/s"
    assert last.loc["bandwidth", "value"] == pytest.approx(7001.12 * 1048576 / 1e9)
    assert (last.loc["latency", "value"], last.loc["latency", "unit"]) == (1142.67, "us")
    assert frame["valid"].all()
