"""The L12 judges on real captures: the recorded H100 scenario (``nvidia-smi topo -m``, /proc/driver/nvidia/version,
/proc/modules, the NCCL settings, the GPU- and host-memory perftest reports, the NCCL job log), the H100 VM
recorded live (tests/fixtures/recorded_h100) and the parser fixtures of tests/fixtures/. Each judge passes on
the healthy capture and fails, for the right reason, on the capture changed as the scenario's fault overlay
(tests/scenarios/h100/faults/) changes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bringup import expect
from bringup.checks import l12_gdr as judge
from bringup.inventory import load_inventory
from bringup.parsers import nccl_conf, nccl_log, nvidia_smi_topo, nvidia_version, perftest, proc_modules, scalar
from tests.unit.checks.captures import faulted, probe_output as capture

TESTS = Path(__file__).resolve().parents[2]
H100 = TESTS / "scenarios" / "h100"
FIXTURES = TESTS / "fixtures"
RECORDED = FIXTURES / "recorded_h100"


@pytest.fixture(scope="module")
def node01():
    return load_inventory(str(H100 / "inventory")).node("node01")


def test_gpu_nic_affinity(node01):
    allowed = expect.declared(node01, "gpu_nic_topology")
    rail2 = node01.rail("rail2")
    good = judge.gpu_nic_affinity(rail2, nvidia_smi_topo.parse(capture("topo")), allowed)
    assert (good.outcome, good.measured, good.reference, good.source) == (
        "pass", "PIX", "PIX/PXB", "policy gpu_nic_topology in bringup/policy.yml")
    bad = judge.gpu_nic_affinity(rail2, nvidia_smi_topo.parse(faulted("topo", "gpu_nic_affinity_sys")), allowed)
    assert bad.message == ("GPU2 reaches rail2 NIC mlx5_2 via SYS, not PIX/PXB (policy gpu_nic_topology in "
                           "bringup/policy.yml): GPUDirect traffic crosses the CPU interconnect")
    # the H100 VM's matrix holds GPU0 only: the rail's NIC is not in it
    missing = judge.gpu_nic_affinity(node01.rail("rail0"), nvidia_smi_topo.parse(
        (RECORDED / "nvidia-smi-topo.out").read_text()), allowed)
    assert missing.message == "`nvidia-smi topo -m`: GPU0 or mlx5_0 is not in the topology matrix (GPU0)"


def test_gpu_nic_numa(node01):
    topo = nvidia_smi_topo.parse(capture("topo"))
    rail1 = node01.rail("rail1")
    good = judge.gpu_nic_numa("node01", rail1, topo, scalar.parse(capture("nic-numa@rail1")))
    assert (good.outcome, good.measured) == ("pass", "GPU1 NUMA 0, mlx5_1 NUMA 0")
    bad = judge.gpu_nic_numa("node01", rail1, topo, scalar.parse("1\n"))
    assert bad.message == "GPU1 is on NUMA node 0 but rail1 NIC mlx5_1 on NUMA node 1"
    assert judge.gpu_nic_numa("node01", rail1, topo, "-1") == judge.NotApplicable(
        "no NUMA information for GPU1 (0) or mlx5_1 (-1) on node01: a single-node or NUMA-less system")


def test_gdr_kernel_path(node01):
    minimum = expect.declared(node01, "dmabuf_min_kernel")
    release = scalar.parse(capture("gdr-kernel"))
    modules = proc_modules.parse(capture("modules"))
    good = judge.gdr_kernel_path("node01", nvidia_version.parse(capture("nvidia-version")), modules, release, minimum)
    assert (good.outcome, good.measured, good.source) == (
        "pass", "dma-buf", "layers.md L12, policy dmabuf_min_kernel in bringup/policy.yml")
    proprietary = nvidia_version.parse(faulted("nvidia-version", "gdr_kernel_path_absent"))
    bad = judge.gdr_kernel_path("node01", proprietary, modules, release, minimum)
    assert (bad.measured, bad.message) == ("none", (
        "no GPUDirect RDMA kernel path on node01: driver 535.161.08 is the proprietary kernel module, kernel 5.15 "
        "(dma-buf needs the open module and >= 5.12), and nvidia_peermem is not loaded"))
    # the proprietary module still has a path where nvidia_peermem is loaded
    peermem = proc_modules.parse((FIXTURES / "proc_modules" / "peermem_loaded.txt").read_text())
    assert judge.gdr_kernel_path("node01", proprietary, peermem, release, minimum).measured == "nvidia_peermem"
    # the open module on a kernel older than the DMA-BUF minimum has none
    open_module = nvidia_version.parse(capture("nvidia-version"))
    assert judge.gdr_kernel_path("node01", open_module, modules, "5.4.0-150-generic", minimum).failed
    # the H100 VM recorded live: open module 580 on Ubuntu's 6.8 kernel, no peermem
    live = judge.gdr_kernel_path("h100vm", nvidia_version.parse((RECORDED / "nvidia-version.out").read_text()),
                                 proc_modules.parse((RECORDED / "proc-modules.out").read_text()),
                                 scalar.parse((RECORDED / "uname.out").read_text()), minimum)
    assert (live.outcome, live.measured) == ("pass", "dma-buf")


def test_gdr_level_not_overridden(node01):
    forbidden = expect.declared(node01, "nccl_gdr_forbidden_env")
    good = judge.gdr_level_not_overridden("node02", nccl_conf.parse(capture("gdr-nccl-settings", "node02")), forbidden)
    assert (good.outcome, good.measured) == ("pass", "unset")
    text = capture("gdr-nccl-settings", "node02").replace("NCCL_IB_TC=106\n",
                                                          "NCCL_IB_TC=106\nNCCL_NET_GDR_LEVEL=PHB\n")
    bad = judge.gdr_level_not_overridden("node02", nccl_conf.parse(text), forbidden)
    assert (bad.measured, bad.message) == ({"NCCL_NET_GDR_LEVEL": "PHB"}, (
        "NCCL_NET_GDR_LEVEL=PHB set on node02 (/etc/nccl.conf or environment); leave GDR to NCCL's distance rule "
        "(policy nccl_gdr_forbidden_env in bringup/policy.yml)"))


def _average(text: str) -> float:
    return perftest.parse(text).bandwidth[-1].average


def test_gpu_memory_bandwidth(node01):
    gap = expect.declared(node01, "gdr_max_gap")
    rail5 = node01.rail("rail5")
    host = _average(capture("perftest-gdr-host-rail5"))
    good = judge.gpu_memory_bandwidth(rail5, "node02", 5, _average(capture("perftest-gdr-cuda-rail5")), host, gap)
    assert (good.outcome, good.measured, good.reference, good.unit) == ("pass", 387.71, ">= 372.08", "Gb/s")
    halved = capture("perftest-gdr-cuda-rail5").replace("0.00               387.71 \t\t     0.739498",
                                                       "0.00               193.86 \t\t     0.369749")
    bad = judge.gpu_memory_bandwidth(rail5, "node02", 5, _average(halved), host, gap)
    assert bad.message == ("rail5 GPU 5 -> node02 GPU 5 ib_write_bw (host memory: 391.66 Gb/s): 193.86 Gb/s < "
                           "372.08 Gb/s (host memory - 5%, policy gdr_max_gap in bringup/policy.yml)")


def test_nccl_uses_gdr():
    good = judge.nccl_uses_gdr("node01", nccl_log.parse(capture("nccl-job"))["node01"])
    assert (good.outcome, good.measured) == ("pass", "32 of 32 NET channels via GDRDMA")
    disabled = nccl_log.parse((FIXTURES / "nccl_log" / "gdr_disabled_2node_8rail_2.19.txt").read_text())["node01"]
    bad = judge.nccl_uses_gdr("node01", disabled)
    assert bad.measured == "0 of 32 NET channels via GDRDMA"
    assert bad.message == (
        "NCCL on node01 moves data through host memory: 32 of 32 network channels lack GDRDMA (e.g. 'Channel 01 : "
        "1[2a000] -> 9[2a000] via NET/IB/1'); GDR disabled for HCAs: mlx5_1, mlx5_6, mlx5_3, mlx5_4, mlx5_0, "
        "mlx5_7, mlx5_2, mlx5_5")
    # the real single-GPU log of the H100 VM: no RDMA NIC, so no network channel at all
    alone = nccl_log.parse((RECORDED / "nccl-init-log.out").read_text())
    none = judge.nccl_uses_gdr("h100vm", next(iter(alone.values())))
    assert none.message == "NCCL on h100vm opened no network channel (no 'via NET/...' line in the job log)"
