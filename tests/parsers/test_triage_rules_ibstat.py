from bringup.parsers import ibstat
from bringup.triage.model import Context, Finding
from bringup.triage.rules import ibstat as rule
from tests.parsers.platform_fixtures import fixture


def test_detects_ibstat_and_not_ibv_devinfo():
    assert rule.detect(fixture("ibstat", "cx6dx_ethernet_active.txt"))
    assert not rule.detect(fixture("ibv_devinfo", "cx7_verbose.txt"))


def test_active_ports_at_expected_speed_are_info():
    parsed = ibstat.parse(fixture("ibstat", "cx6dx_ethernet_active.txt"))
    assert rule.findings(parsed, Context(hardware={"nic_speed_mbps": 100000})) == [
        Finding("info", "mlx5_0 port 1", "Active/LinkUp at 100000Mb/s (Ethernet)"),
        Finding("info", "mlx5_1 port 1", "Active/LinkUp at 100000Mb/s (Ethernet)"),
    ]


def test_slow_port_fails_against_inventory_speed():
    parsed = ibstat.parse(fixture("ibstat", "cx6dx_ethernet_active.txt"))
    found = rule.findings(parsed, Context(hardware={"nic_speed_mbps": 400000}))
    assert found[0] == Finding("fail", "mlx5_0 port 1", "link at 100000Mb/s, expected 400000 (Ethernet)")


def test_down_port_fails():
    parsed = ibstat.parse(fixture("ibstat", "cx6_infiniband_one_down.txt"))
    assert rule.findings(parsed, Context()) == [
        Finding("info", "mlx5_0 port 1", "Active/LinkUp at 200000Mb/s (InfiniBand)"),
        Finding("fail", "mlx5_1 port 1", "port Down/Disabled, expected Active/LinkUp (InfiniBand)"),
    ]
