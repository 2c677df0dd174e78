"""L11 kernel log: the events besides Xid that a healthy GPU node never logs (layers.md L11 "no XIDs", and the
GPU-NIC PCIe path L12 relies on), one check per event class so that a failure names its class: a GPU fallen off
the bus without an Xid, GPUDirect RDMA kernel-path errors (nvidia-peermem, dma-buf), PCIe AER errors, PCIe
bandwidth limited by a link, NVSwitch SXids. They read the `dmesg` the Xid check reads (probe ``dmesg-xid``);
the judgement and the words are bringup/kernel_events.py, which ``bringup triage`` prints too.
"""

import pytest

from bringup import expect, kernel_events
from bringup.parsers import dmesg, nvidia_smi_xml


def _devices(node, facts) -> kernel_events.Devices:
    gpus = {int(g.bus_id.split(":")[-2], 16): f"GPU {g.index}"
            for g in facts.parsed("nvidia-smi-xml", nvidia_smi_xml.parse).gpus if g.bus_id}
    rails = {(r.pci if r.pci.count(":") == 2 else f"0000:{r.pci}").lower(): f"{r.name} ({r.netdev})"
             for r in node.rails if r.pci}
    return kernel_events.Devices(gpus, rails)


def _limits(node) -> kernel_events.Limits:
    return kernel_events.limits_from({key: expect.declared(node, key).value
                                      for key in ("xid_ignore", "aer_corrected_max")})


def _judge(node, facts, check, kind: str) -> None:
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}")
    log = facts.parsed("dmesg-xid", dmesg.parse)
    found = kernel_events.problems(log, kind, _devices(node, facts), _limits(node))
    check.record(len(found), 0)
    assert not found, (f"{len(found)} {kernel_events.CLASSES[kind]} event(s) in dmesg on {node.name}: "
                       + "; ".join(found[:3]))


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
