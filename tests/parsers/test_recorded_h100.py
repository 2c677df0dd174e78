"""Parsers on real outputs recorded on one H100 80GB HBM3 VM (driver 580.159.04, CUDA 13.0, NCCL 2.28).

Provenance and the exact commands: tests/fixtures/recorded_h100/README.md.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bringup.parsers import (dmesg, nccl_conf, nccl_version, nvidia_smi_list, nvidia_smi_nvlink, nvidia_smi_query,
                             nvidia_smi_topo, nvidia_smi_xml, nvidia_version, ompi_info, os_release, proc_cmdline,
                             proc_modules, scalar, ulimit)
from bringup.probes.hardware import GPU_QUERY_FIELDS
from tests.parsers.platform_fixtures import FIXTURES, fixture

UUID = "GPU-0733820d-c91d-2ba4-1ddf-2008944e64d9"


def recorded(name: str) -> str:
    return fixture("recorded_h100", f"{name}.out")


def test_nvidia_smi_list():
    assert nvidia_smi_list.parse(recorded("nvidia-smi-L")) == [nvidia_smi_list.Gpu(0, "NVIDIA H100 80GB HBM3", UUID)]


def test_query_gpu_with_the_probe_field_list():
    assert nvidia_smi_query.parse(recorded("gpu-query"), GPU_QUERY_FIELDS) == [{
        "index": "0", "name": "NVIDIA H100 80GB HBM3", "serial": "1793626041821", "vbios_version": "96.00.DA.00.0C",
        "pci.bus_id": "00000000:00:06.0", "power.limit": "700.00", "power.default_limit": "700.00",
        "clocks_throttle_reasons.hw_slowdown": "Not Active"}]


def test_query_gpu_header_names_the_renamed_field_and_units():
    # Driver 580 accepts the pre-535 name clocks_throttle_reasons.* but prints the new one in the header.
    row, = nvidia_smi_query.parse(recorded("gpu-query-header"))
    assert list(row) == ["index", "name", "serial", "vbios_version", "pci.bus_id", "power.limit",
                         "power.default_limit", "clocks_event_reasons.hw_slowdown"]
    assert (row["power.limit"], row["clocks_event_reasons.hw_slowdown"]) == ("700.00 W", "Not Active")


def test_driver_version_query():
    assert scalar.parse(recorded("gpu-driver")) == "580.159.04"


def test_nvidia_smi_xml_dtd_v13():
    report = nvidia_smi_xml.parse(recorded("nvidia-smi-q-x"))
    assert (report.driver_version, report.cuda_version) == ("580.159.04", "13.0")
    assert report.gpus == [nvidia_smi_xml.GpuReport(
        index=0, bus_id="00000000:00:06.0", name="NVIDIA H100 80GB HBM3", persistence_mode="Enabled",
        fabric_state=None, fabric_status=None, ecc_mode="Enabled", volatile_uncorrectable=0,
        pending_page_retirement=False, remapped_rows_pending=False, remapped_rows_failure=False,
        fb_total_mib=81559, bar1_total_mib=131072)]


def test_nvidia_smi_xml_v13_split_sram_counters_are_counted():
    text = recorded("nvidia-smi-q-x")
    volatile = text.index("<volatile>")
    text = (text[:volatile] + text[volatile:].replace(
        "<sram_uncorrectable_secded>0<", "<sram_uncorrectable_secded>3<", 1).replace(
        "<sram_uncorrectable_parity>0<", "<sram_uncorrectable_parity>1<", 1))
    assert nvidia_smi_xml.parse(text).gpus[0].volatile_uncorrectable == 4


def test_topo_header_with_ansi_underline():
    assert "\x1b[4mGPU0" in recorded("nvidia-smi-topo")
    topo = nvidia_smi_topo.parse(recorded("nvidia-smi-topo"))
    assert (topo.devices, topo.links) == (["GPU0"], {("GPU0", "GPU0"): "X"})
    assert (topo.cpu_affinity, topo.numa_affinity) == ({"GPU0": "0-15"}, {"GPU0": "0"})


def test_empty_nvlink_status_is_no_nvlink():
    assert recorded("nvidia-smi-nvlink-s") == ""
    assert nvidia_smi_nvlink.parse(recorded("nvidia-smi-nvlink-s")) == {}


def test_open_kernel_module_version():
    assert nvidia_version.parse(recorded("nvidia-version")) == nvidia_version.NvidiaVersion(
        version="580.159.04", open_kernel_module=True, arch="x86_64", gcc="gcc version 15.3.0 (GCC)")


def test_firecracker_cmdline():
    cmd = proc_cmdline.parse(recorded("cmdline"))
    assert cmd.get("pci") == "realloc=off" and cmd.get("swiotlb") == "noforce"
    assert cmd.get("mitigations") == "auto,no_guest_host,no_guest_guest"
    assert not cmd.has("intel_iommu") and not cmd.has("iommu")
    assert cmd.init_args[:3] == ["--firecracker-init", "--addr", "0.0.0.0:2024"]
    assert cmd.init_args[-1] == "--auth-required" and "--auth-required" not in cmd.params


def test_dmesg_iommu_translated_without_enable_line():
    out = dmesg.parse(recorded("dmesg-iommu"))
    assert out.iommu_lines == ["[    0.180344] iommu: Default domain type: Translated",
                               "[    0.180349] iommu: DMA domain TLB invalidation policy: lazy mode"]
    assert (out.iommu_enabled, out.default_domain, out.xids) == (None, "Translated", [])


def test_os_release_uname_ulimit():
    values = os_release.parse(recorded("os-release"))
    assert (values["PRETTY_NAME"], values["VERSION_ID"], values["VERSION_CODENAME"]) == \
        ("Ubuntu 24.04.3 LTS", "24.04", "noble")
    assert scalar.parse(recorded("uname")) == "6.18.44-fc-v657-gpu"
    assert ulimit.parse(recorded("ulimit-l")) is None  # unlimited


def test_proc_modules_without_peermem():
    modules = proc_modules.parse(recorded("proc-modules"))
    assert sorted(modules) == ["nvidia", "nvidia_uvm"]
    assert (modules["nvidia"].size, modules["nvidia"].state) == (14299136, "Live")


def test_ompi_info_debian_4_1_6():
    info = ompi_info.parse(recorded("ompi-info"))
    assert (info.version, info.fields["Package"], info.fields["Prefix"]) == ("4.1.6", "Debian OpenMPI", "/usr")
    assert len(info.components) == 121
    assert info.has("pml", "ucx") and info.has("pmix", "ext3x") and info.has("plm", "slurm")
    assert ompi_info.parse(recorded("ompi-version")).version == "4.1.6"


def test_nccl_versions_library_and_torch_bundle():
    # The system library (strings) and the one torch 2.11 bundles (the init log) differ on this machine.
    assert nccl_version.parse(recorded("nccl-strings")) == nccl_version.NcclVersion("2.28.3", "13.0")
    assert nccl_version.parse(recorded("nccl-init-log")) == nccl_version.NcclVersion("2.28.9", "13.0")


def test_container_environment():
    assert nccl_conf.parse(recorded("env-nccl")) == {
        "CUDA_HOME": "/usr/local/cuda", "CUDA_VERSION": "13.0.2", "NCCL_VERSION": "2.28.3-1",
        "OMPI_MCA_btl_vader_single_copy_mechanism": "none", "OMPI_MCA_plm": "isolated"}


@pytest.mark.parametrize("tool, name", [
    ("nvidia-smi-q-x", "nvidia-smi-q-x"), ("nvidia-smi-topo-m", "nvidia-smi-topo"),
    ("nvidia-smi-nvlink-s", "nvidia-smi-nvlink-s"), ("proc-driver-nvidia-version", "nvidia-version"),
])
def test_bringup_parse_reads_the_recorded_files(tool, name):
    proc = subprocess.run([sys.executable, "-m", "bringup.cli", "parse", tool,
                           str(FIXTURES / "recorded_h100" / f"{name}.out")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)
