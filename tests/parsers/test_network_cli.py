"""Every network-layer parser is reachable as `bringup parse TOOL FILE` (JSON out) and fails loudly there."""

import json
import subprocess
import sys

import pytest

from bringup.parsers import registry, to_jsonable
from tests.parsers.platform_fixtures import FIXTURES

CASES = [
    ("ethtool", "ethtool/cx7_400g.txt"), ("ethtool-fec", "ethtool_fec/rs.txt"), ("ethtool-a", "ethtool_pause/off.txt"),
    ("ethtool-g", "ethtool_rings/cx7_ethtool6.txt"), ("ethtool-S", "ethtool_stats/mlx5.txt"),
    ("ethtool-m", "ethtool_module/osfp_cmis.txt"), ("ip-link", "ip_link/cx7_sriov.json"), ("ip-addr", "ip_addr/lab.json"),
    ("ip-route", "ip_route/get_from.json"), ("ip-rule", "ip_rule/rail_rules.json"), ("sysctl", "sysctl/rail_keys.txt"),
    ("lldpctl-json", "lldpctl/array_shape.json"), ("rdma-link", "rdma_link/cx7.json"),
    ("rdma-system", "rdma_system/new.json"), ("rdma-statistic", "rdma_statistic/cx7.json"),
    ("ibv_devinfo", "ibv_devinfo/cx7_verbose.txt"), ("show_gids", "show_gids/cx7.txt"),
    ("gid-sysfs", "gid_sysfs/mlx5_0.txt"), ("ibdev2netdev", "ibdev2netdev/verbose.txt"),
    ("mlnx_qos", "mlnx_qos/doca_dscp.txt"), ("ecn-sysfs", "ecn_sysfs/enp24s0np0.txt"),
    ("rdma_cm-configfs", "rdma_cm/mlx5_0.txt"), ("traffic_class", "traffic_class/global.txt"),
    ("mlxlink", "mlxlink/cx7_400g_color.txt"), ("ping", "ping/ok_9000.txt"),
    ("devlink-eswitch", "devlink_eswitch/legacy.json"), ("dcb", "dcb/pfc_full.txt"),
]


@pytest.mark.parametrize("tool, path", CASES, ids=[c[0] for c in CASES])
def test_registry_parses_fixture_to_json(tool, path):
    json.dumps(to_jsonable(registry()[tool]((FIXTURES / path).read_text())), default=str)


def test_cli_prints_json_and_names_the_bad_line(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", "ethtool-a",
                         str(FIXTURES / "ethtool_pause" / "off.txt")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"netdev": "enp24s0np0", "autoneg": False, "rx": False, "tx": False}
    bad = tmp_path / "qos.txt"
    bad.write_text("Priority trust state: dscp\nPFC configuration:\n\tenabled 0 0 0\n")
    failed = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", "mlnx_qos", str(bad)],
                            capture_output=True, text=True)
    assert failed.returncode != 0 and "line 3: PFC row needs 8 values" in failed.stderr
