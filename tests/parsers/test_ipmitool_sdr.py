import pytest

from bringup.parsers import ParseError, ipmitool_sdr, registry
from tests.parsers.platform_fixtures import FIXTURES, cut, fixture


def _crlf(name: str) -> str:
    return (FIXTURES / "ipmitool_sdr" / name).read_bytes().decode()  # read_text() would fold the CRLFs


def test_graded_statuses_and_discrete_sensors():
    sensors = ipmitool_sdr.parse(fixture("ipmitool_sdr", "faults_elist.txt"))
    assert len(sensors) == 16
    by_name = {s.name: s for s in sensors}
    assert by_name["GPU_BP_Temp"] == ipmitool_sdr.Sensor("GPU_BP_Temp", 0x06, "ucr", "7.3", "96 degrees C")
    assert [s.name for s in sensors if s.critical] == ["GPU_BP_Temp", "FAN_2A", "P12V_PSU1"]
    assert [s.name for s in sensors if s.non_critical] == ["Inlet_Temp", "P3V_BAT"]
    # ipmitool grades only threshold sensors: a failed PSU's discrete states still print "ok"
    assert by_name["PSU1_Status"].status == "ok" and "Failure detected" in by_name["PSU1_Status"].reading
    assert (by_name["Watchdog2"].reading, by_name["SEL_Status"].status) == ("", "ns")
    assert by_name["CPU0_DIMM_Temp"].reading == "Disabled"


def test_crlf_and_plain_critical_status():
    text = _crlf("ilo_sdr_crlf.txt")
    assert "\r\n" in text
    sensors = ipmitool_sdr.parse(text)
    assert [(s.name, s.number, s.reading) for s in sensors if s.critical] == [("Temp 2", 0x0E, "88 degrees C")]
    assert sensors[3].reading == "0 Watts, Presence detected, Failure detected"


def test_garbage_and_truncation_raise_naming_the_line():
    with pytest.raises(ParseError, match=r"line 1 is not an `ipmitool sdr elist` sensor line: 'Error: Unable"):
        ipmitool_sdr.parse("Error: Unable to establish IPMI v2 / RMCP+ session\n")
    with pytest.raises(ParseError, match=r"line 5 .*'FAN_2A           \| 31h \| bad \|"):
        ipmitool_sdr.parse("\n".join(fixture("ipmitool_sdr", "faults_elist.txt").splitlines()[:5])
                           .replace("lcr", "bad") + "\n")
    with pytest.raises(ParseError, match="output truncated"):
        ipmitool_sdr.parse(cut(fixture("ipmitool_sdr", "faults_elist.txt")))
    with pytest.raises(ParseError, match="no sensor listed"):
        ipmitool_sdr.parse("")


def test_registered():
    assert registry()["ipmitool-sdr"] is ipmitool_sdr.parse
