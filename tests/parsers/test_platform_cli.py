"""Every platform/GPU/library parser is reachable as `bringup parse TOOL FILE` and fails loudly there."""

import json
import subprocess
import sys

import pytest

from bringup.parsers import registry
from tests.parsers.platform_fixtures import FIXTURES

CASES = [
    ("lspci-vvv", "lspci_vvv/hgx_h100_switch.txt"), ("proc-cmdline", "proc_cmdline/ubuntu_sr_iov.txt"),
    ("dmesg", "dmesg/intel_passthrough_xid.txt"), ("mlxconfig-q", "mlxconfig/cx7_query.txt"),
    ("nvidia-smi-q-x", "nvidia_smi_xml/h100_driver535_2gpu.xml"),
    ("nvidia-smi-topo-m", "nvidia_smi_topo/hgx_h100_8gpu_10nic.txt"),
    ("nvidia-smi-nvlink-s", "nvidia_smi_nvlink/h100_8gpu.txt"), ("dcgmi-diag", "dcgmi_diag/r3_text_fail.txt"),
    ("ofed_info", "ofed_info/mlnx_ofed.txt"), ("modinfo", "modinfo/mlx5_core_doca.txt"),
    ("ucx_info-v", "ucx_info/version_ucx116.txt"), ("ucx_info-d", "ucx_info/devices_ucx116.txt"),
    ("ompi_info", "ompi_info/listing_4_1_5.txt"), ("nccl-version", "nccl_version/job_log.txt"),
    ("nccl-conf", "nccl_conf/site_nccl_conf.txt"), ("proc-driver-nvidia-version", "nvidia_version/open_535.txt"),
    ("proc-modules", "proc_modules/peermem_loaded.txt"), ("pci-link-sysfs", "pci_link_sysfs/cx7_gen5_x16.txt"),
]


def test_every_tool_is_registered():
    assert {tool for tool, _ in CASES} <= set(registry())


@pytest.mark.parametrize("tool, path", CASES, ids=[c[0] for c in CASES])
def test_registry_parses_fixture_to_json(tool, path):
    from bringup.parsers import to_jsonable

    json.dumps(to_jsonable(registry()[tool]((FIXTURES / path).read_text())), default=str)


def test_cli_prints_json_and_fails_on_truncation(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", "proc-driver-nvidia-version",
                         str(FIXTURES / "nvidia_version" / "open_535.txt")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["open_kernel_module"] is True
    bad = tmp_path / "topo.txt"
    bad.write_text((FIXTURES / "nvidia_smi_topo" / "hgx_h100_8gpu_10nic.txt").read_text()[:400])
    failed = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", "nvidia-smi-topo-m", str(bad)],
                            capture_output=True, text=True)
    assert failed.returncode == 1 and "nvidia-smi-topo-m" in failed.stderr
