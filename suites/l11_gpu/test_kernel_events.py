"""L11 kernel log: the events besides Xid that a healthy GPU node never logs (layers.md L11 "no XIDs", and the
GPU-NIC PCIe path L12 relies on), one check per event class so that a failure names its class: a GPU fallen off
the bus without an Xid, GPUDirect RDMA kernel-path errors (nvidia-peermem, dma-buf), PCIe AER errors, PCIe
bandwidth limited by a link, NVSwitch SXids. They read the `dmesg` the Xid check reads (probe ``dmesg-xid``);
the judgement is bringup/checks/l11_gpu.py and the words bringup/kernel_events.py, which ``bringup triage``
prints too.
"""

import pytest

from bringup import expect
from bringup.checks import l11_gpu as judge
from bringup.probes import gpu as probes


def _judge(node, facts, check, kind: str) -> None:
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")
    log = facts.get(probes.DMESG)
    devices = judge.device_names(facts.get(probes.SMI_XML), node.rails)
    check(judge.kernel_log_clean(node.name, log, kind, devices,
                                 expect.declared(node, "xid_ignore"), expect.declared(node, "aer_corrected_max")))


def test_no_gpu_fallen_off_bus(node, facts, check):
    _judge(node, facts, check, "fallen_off")


def test_no_gdr_kernel_path_errors(node, facts, check):
    _judge(node, facts, check, "gdr")


def test_no_pcie_aer_errors(node, facts, check):
    _judge(node, facts, check, "aer")


def test_no_pcie_bandwidth_limited(node, facts, check):
    _judge(node, facts, check, "link_limited")


def test_no_nvswitch_sxid(node, facts, check):
    _judge(node, facts, check, "sxid")
