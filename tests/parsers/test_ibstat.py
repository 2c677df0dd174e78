import pytest

from bringup.parsers import ParseError, ibstat
from tests.parsers.platform_fixtures import fixture


def test_roce_ports_active():
    cas = ibstat.parse(fixture("ibstat", "cx6dx_ethernet_active.txt"))
    assert sorted(cas) == ["mlx5_0", "mlx5_1"]
    ca = cas["mlx5_1"]
    assert (ca.fields["CA type"], ca.fields["Firmware version"], ca.fields["Node GUID"]) == (
        "MT4125", "22.32.2004", "0x0c42a103001dd12b")
    port = ca.ports[1]
    assert (port.state, port.physical_state, port.rate_gbps, port.link_layer) == ("Active", "LinkUp", 100.0, "Ethernet")
    assert port.fields["Port GUID"] == "0x0e42a1fffe1dd12b"


def test_infiniband_port_down():
    cas = ibstat.parse(fixture("ibstat", "cx6_infiniband_one_down.txt"))
    up, down = cas["mlx5_0"].ports[1], cas["mlx5_1"].ports[1]
    assert (up.state, up.rate_gbps, up.link_layer, up.fields["Base lid"], up.fields["SM lid"]) == (
        "Active", 200.0, "InfiniBand", "569", "393")
    assert (down.state, down.physical_state, down.rate_gbps, down.fields["Base lid"]) == (
        "Down", "Disabled", 10.0, "65535")


def test_tabs_prompt_and_ibwarn_lines_are_harmless():
    text = "$ ibstat\nibwarn: [168988] umad_init: umad_init\n" + fixture(
        "ibstat", "cx6dx_ethernet_down.txt").replace("        ", "\t")
    port = ibstat.parse(text)["mlx5_0"].ports[1]
    assert (port.state, port.rate_gbps) == ("Down", 40.0)


def test_sdr_rate_with_decimal():
    text = fixture("ibstat", "cx6dx_ethernet_down.txt").replace("Rate: 40", "Rate: 2.5")
    assert ibstat.parse(text)["mlx5_1"].ports[1].rate_gbps == 2.5


def test_port_cut_before_link_layer_raises():
    text = fixture("ibstat", "cx6dx_ethernet_active.txt")
    with pytest.raises(ParseError, match=r"CA mlx5_1 port 1: no Link layer \(output truncated\)"):
        ibstat.parse(text[: text.rindex("                Port GUID")])


def test_ca_without_its_port_raises():
    text = fixture("ibstat", "cx6dx_ethernet_active.txt")
    with pytest.raises(ParseError, match=r"CA mlx5_1: 0 port section\(s\), the CA declares 1 \(output truncated\)"):
        ibstat.parse(text[: text.rindex("        Port 1:")])


def test_line_cut_midway_raises():
    text = fixture("ibstat", "cx6dx_ethernet_active.txt").rstrip("\n")[:-4]  # "Link layer: Ethe"
    with pytest.raises(ParseError, match="output ends mid-line"):
        ibstat.parse(text)


def test_garbled_rate_raises():
    text = fixture("ibstat", "cx6dx_ethernet_active.txt").replace("Rate: 100", "Rate: 1O0", 1)
    with pytest.raises(ParseError, match=r"CA mlx5_0 port 1: Rate is '1O0', not a number of Gb/s"):
        ibstat.parse(text)


def test_other_tool_output_raises():
    with pytest.raises(ParseError, match="line 1 comes before any \"CA '<name>'\" line: 'hca_id:\\\\tmlx5_0'"):
        ibstat.parse("hca_id:\tmlx5_0\n")
    with pytest.raises(ParseError, match="not `ibstat` output"):
        ibstat.parse("\n")
