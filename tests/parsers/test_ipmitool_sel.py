import pytest

from bringup.parsers import ParseError, ipmitool_sel, registry
from tests.parsers.platform_fixtures import FIXTURES, cut, fixture


def _raw(name: str) -> str:
    return (FIXTURES / "ipmitool_sel" / name).read_bytes().decode()  # keep CRLF as captured


def test_every_record_shape_of_ipmitool_1_8_18():
    entries = ipmitool_sel.parse(fixture("ipmitool_sel", "elist_1818.txt"))
    assert [e.record_id for e in entries] == list(range(1, 13))
    pre_init, cleared, ac_lost = entries[0], entries[1], entries[2]
    assert (pre_init.timestamp, pre_init.sensor, pre_init.event) == ("Pre-Init +7s", "System Event #0x83",
                                                                      "Timestamp Clock Sync")
    assert cleared.log_cleared and not ac_lost.log_cleared
    assert (ac_lost.timestamp, ac_lost.direction, entries[3].direction) == ("03/14/2024 08:15:40", "Asserted",
                                                                            "Deasserted")
    assert entries[4].detail == "Reading 96 > Threshold 90 degrees C"
    assert entries[6].detail == "CPU 1 DIMM 3"
    assert [(e.kind, e.timestamp, e.sensor, e.event) for e in entries[7:10]] == [
        ("oem", "03/14/2024 12:30:00", "OEM record c1", "002a7c 0a0b0c0d0e0f"),
        ("oem", None, "OEM record e0", "00112233445566778899aabbcc"),
        ("panic", None, "Linux kernel panic", "Oops: 0000")]
    assert (entries[10].event, entries[10].direction) == ("", "Asserted")
    assert (entries[11].event, entries[11].direction) == ("IERR", None)  # no direction column


def test_ipmitool_1_8_19_dates_and_crlf():
    entries = ipmitool_sel.parse(_raw("elist_1819_crlf.txt"))
    assert [(e.record_id, e.timestamp) for e in entries] == [
        (0x1F, "04/02/24 09:12:44 UTC"), (0x20, "04/02/24 09:31:27 UTC"), (0x21, "Unspecified Unspecified")]
    assert entries[1].event == "Lower Critical going low" and entries[1].detail.startswith("Reading 360 <")


def test_empty_sel_is_no_records():
    assert ipmitool_sel.parse("") == []  # "SEL has no entries" goes to stderr


def test_garbage_and_truncation_raise_naming_the_line():
    with pytest.raises(ParseError, match=r"line 1 is not an `ipmitool sel elist` record: 'Get SEL Info command"):
        ipmitool_sel.parse("Get SEL Info command failed: Invalid command\n")
    text = fixture("ipmitool_sel", "elist_1818.txt").replace("   4 | 03/14/2024 | 08:15:52", "   4 | 03/14/20")
    with pytest.raises(ParseError, match=r"line 4 .*'4 \| 03/14/20 \| Power Supply"):
        ipmitool_sel.parse(text)
    with pytest.raises(ParseError, match="line 6 .*'6 | 03/14/2024 | 11:44:03 | Temperature GPU_BP_Temp | Upper"):
        ipmitool_sel.parse(fixture("ipmitool_sel", "elist_1818.txt").replace("| Deasserted | Reading 88", "| Dea"))
    # cut at a column boundary: the record would read as "no direction", but the line end is missing
    with pytest.raises(ParseError, match="output truncated: '   3 | 03/14/2024 | 08:15:40 | Power Supply PSU2"):
        ipmitool_sel.parse(fixture("ipmitool_sel", "elist_1818.txt").split(" | Asserted\n   4")[0])
    with pytest.raises(ParseError, match="output truncated"):
        ipmitool_sel.parse(cut(fixture("ipmitool_sel", "elist_1818.txt")))


def test_entries_after_the_baseline():
    entries = ipmitool_sel.parse(fixture("ipmitool_sel", "elist_1818.txt"))
    everything = ipmitool_sel.entries_after(entries, None)
    assert 2 not in [e.record_id for e in everything] and len(everything) == 11  # the clear marker is no event
    assert [e.record_id for e in ipmitool_sel.entries_after(entries, 0x9)] == [0xA, 0xB, 0xC]
    assert ipmitool_sel.entries_after(entries, 0xC) == []
    # the baseline record is gone (the SEL was cleared or wrapped since): ids say nothing, every record counts
    assert len(ipmitool_sel.entries_after(entries[:3], 0x40)) == 2


def test_registered():
    assert registry()["ipmitool-sel"] is ipmitool_sel.parse
