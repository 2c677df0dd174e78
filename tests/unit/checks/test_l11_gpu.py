"""The L11 judges on real captures: the recorded H100 scenario's node01 (nvidia-smi -q -x, nvlink -s, dmesg,
dcgmi diag), the H100 VM recorded live (tests/fixtures/recorded_h100: driver 580, no NVSwitch, no NVLink) and
the parser fixtures of tests/fixtures/. Each judge passes on the healthy capture and fails, for the right
reason, on the capture changed as the scenario's fault overlay (tests/scenarios/h100/faults/) changes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bringup import expect
from bringup.checks import l11_gpu as judge
from bringup.inventory import load_inventory
from bringup.parsers import dcgmi_diag, dmesg, nvidia_smi_nvlink, nvidia_smi_xml
from tests.unit.checks.captures import faulted, probe_output as capture

TESTS = Path(__file__).resolve().parents[2]
H100 = TESTS / "scenarios" / "h100"
FIXTURES = TESTS / "fixtures"


@pytest.fixture(scope="module")
def node01():
    return load_inventory(str(H100 / "inventory")).node("node01")


@pytest.fixture(scope="module")
def report():
    return nvidia_smi_xml.parse(capture("nvidia-smi-xml"))


VM = nvidia_smi_xml.parse((FIXTURES / "recorded_h100" / "nvidia-smi-q-x.out").read_text())
# GPU 1 unhealthy on purpose: 2 uncorrectable DRAM errors, a pending row remap, persistence disabled
SICK = nvidia_smi_xml.parse((FIXTURES / "nvidia_smi_xml" / "h100_driver535_2gpu.xml").read_text())
POLICY = "policy {} in bringup/policy.yml"


def test_fabric_completed(node01, report):
    state, status = (expect.declared(node01, k) for k in ("gpu_fabric_state", "gpu_fabric_status"))
    good = judge.fabric_completed("node01", 1, report, state, status)
    assert (good.outcome, good.measured, good.reference, good.source) == (
        "pass", "Completed/Success", "Completed/Success",
        "policy gpu_fabric_state in bringup/policy.yml, policy gpu_fabric_status in bringup/policy.yml")
    text = capture("nvidia-smi-xml")
    at = text.index("<state>Completed</state>", text.index('<gpu id="00000000:2B:00.0">'))
    waiting = nvidia_smi_xml.parse(text[:at] + "<state>In Progress</state>" + text[at + 24:])
    bad = judge.fabric_completed("node01", 1, waiting, state, status)
    assert bad.message == ("GPU 1 (00000000:2B:00.0) fabric State In Progress, Status Success "
                           "(policy gpu_fabric_state in bringup/policy.yml)")
    assert judge.fabric_completed("node01", 0, waiting, state, status).outcome == "pass"
    assert judge.fabric_completed("node01", 8, report, state, status).message == \
        "nvidia-smi reports 8 GPUs, no GPU 8"
    assert judge.fabric_completed("h100vm", 0, VM, state, status) == judge.NotApplicable(
        "GPU 0 on h100vm reports no NVSwitch fabric (driver < 525 or no NVSwitch board)")


def test_nvswitch_fabric_decides_whether_fabric_manager_must_run(report):
    assert judge.nvswitch_fabric(report) is True
    assert judge.nvswitch_fabric(VM) is False  # driver 580 reports the fabric of a PCIe-attached VM GPU as N/A


def test_nvlink_all_up():
    links = nvidia_smi_nvlink.parse(capture("nvlink"))
    good = judge.nvlink_all_up("node01", 6, links, None)
    assert (good.outcome, good.measured) == ("pass", "18 of 18 links up")
    declared = expect.Expected(18, "inventory bringup_expect.nvlinks_per_gpu")
    counted = judge.nvlink_all_up("node01", 6, links, declared)
    assert (counted.outcome, counted.measured, counted.reference) == ("pass", 18, 18)
    assert judge.nvlink_all_up("node01", 6, links, expect.Expected(12, declared.source)).message == \
        "GPU 6 NVLinks: 18 != 12 (inventory bringup_expect.nvlinks_per_gpu)"
    text = capture("nvlink")
    at = text.index("Link 11: 26.562 GB/s", text.index("GPU 6:"))
    down = nvidia_smi_nvlink.parse(text[:at] + "Link 11: <inactive>" + text[at + 20:])
    bad = judge.nvlink_all_up("node01", 6, down, declared)
    assert (bad.message, bad.measured) == ("GPU 6: NVLink 11 inactive", "17 of 18 links up")
    assert judge.nvlink_all_up("node01", 8, links, None).message == "`nvidia-smi nvlink -s` on node01 lists no GPU 8"


def test_nvlink_absent_skips_unless_declared():
    # driver 580 on the H100 VM printed nothing for `nvidia-smi nvlink -s`
    none = nvidia_smi_nvlink.parse((FIXTURES / "recorded_h100" / "nvidia-smi-nvlink-s.out").read_text())
    assert judge.nvlink_all_up("h100vm", 0, none, None) == judge.NotApplicable(
        "`nvidia-smi nvlink -s` on h100vm reports no NVLink (PCIe board or VM)")
    assert judge.nvlink_all_up("h100vm", 0, none, expect.Expected(0, "inventory bringup_expect.nvlinks_per_gpu")) \
        == judge.NotApplicable("`nvidia-smi nvlink -s` on h100vm reports no NVLink (PCIe board or VM)")
    bad = judge.nvlink_all_up("h100vm", 0, none, expect.Expected(18, "inventory bringup_expect.nvlinks_per_gpu"))
    assert bad.message == ("`nvidia-smi nvlink -s` on h100vm reports no NVLink; inventory "
                           "bringup_expect.nvlinks_per_gpu expects 18 per GPU")
    # a PCIe board: the GPU is listed with no link line under it (tests/parsers/test_nvidia_smi_nvlink.py)
    pcie = nvidia_smi_nvlink.parse("GPU 0: NVIDIA H100 PCIe (UUID: GPU-0a1b2c3d-1111-2222-3333-444455556666)\n"
                                   "GPU 1: NVIDIA H100 PCIe (UUID: GPU-0a1b2c3d-1111-2222-3333-444455556667)\n")
    assert judge.nvlink_all_up("node09", 1, pcie, None) == judge.NotApplicable(
        "GPU 1 on node09 has no NVLink (PCIe board)")


def test_memory_healthy(report):
    good = judge.memory_healthy(0, report)
    assert (good.outcome, good.measured) == ("pass", "clean")
    assert judge.memory_healthy(0, SICK).outcome == "pass"
    bad = judge.memory_healthy(1, SICK)
    assert bad.message == ("GPU 1 (00000000:2B:00.0): 2 uncorrectable ECC errors since boot; "
                           "row remapping pending (GPU reset needed)")
    assert bad.measured == "2 uncorrectable ECC errors since boot; row remapping pending (GPU reset needed)"
    assert judge.memory_healthy(2, SICK).message == "nvidia-smi reports 2 GPUs, no GPU 2"


def test_persistence_mode(node01, report):
    wanted = expect.declared(node01, "gpu_persistence_mode")
    assert judge.persistence_mode(7, report, wanted).outcome == "pass"
    assert judge.persistence_mode(1, SICK, wanted).message == \
        "GPU 1 persistence mode: Disabled != Enabled (policy gpu_persistence_mode in bringup/policy.yml)"


def test_no_xid(node01, report):
    ignore = expect.declared(node01, "xid_ignore")
    good = judge.no_xid("node01", dmesg.parse(capture("dmesg-xid")), report, ignore)
    assert (good.outcome, good.measured, good.reference, good.source) == ("pass", 0, 0, POLICY.format("xid_ignore"))
    log = dmesg.parse(faulted("dmesg-xid", "xid_in_dmesg"))
    bad = judge.no_xid("node01", log, report, ignore)
    assert (bad.measured, bad.message) == (1, (
        "1 Xid event(s) in dmesg on node01: Xid 119 (GSP RPC Timeout) on GPU 3 (PCI:0000:5e:00): pid=20931, "
        "name=python3, Timeout after 6s of waiting for RPC response from GPU3 "))  # detail cut at 80 characters
    assert judge.no_xid("node01", log, report, expect.Expected([119], "inventory bringup_expect.xid_ignore")).outcome \
        == "pass"


def test_dcgm_diag_passes():
    good = judge.dcgm_diag_passes(dcgmi_diag.parse(capture("dcgmi-diag")))
    assert (good.outcome, good.measured) == ("pass", "9 of 9 results pass or skip")
    bad = judge.dcgm_diag_passes(dcgmi_diag.parse((FIXTURES / "dcgmi_diag" / "r1_fail_dcgm3.json").read_text()))
    assert bad.measured == "1 of 2 results pass or skip"
    assert bad.message == ('dcgmi diag: Deployment/Persistence Mode Fail GPU 0,1,2,3,4,5,6,7: Persistence mode for '
                           'GPU 5 is disabled. Enable persistence mode by running "nvidia-smi -i <gpuId> -pm 1 " as '
                           'root.')


def test_device_names(node01, report):
    devices = judge.device_names(report, node01.rails)
    assert devices.name("0000:5e:00.0") == "GPU 3 (0000:5e:00.0)"
    assert devices.name("0000:18:00.0") == "rail0 (enp24s0np0) (0000:18:00.0)"


KERNEL_FAULTS = {
    "fallen_off": ("gpu_fallen_off_bus_no_xid",
                   "1 GPU fallen off the bus event(s) in dmesg on node01: GPU 4 (0000:9b:00.0), PCI ID 10de:2330 has "
                   "fallen off the bus without an Xid: the GPU no longer answers on PCIe (reseat/power/board fault; "
                   "NVIDIA Xid 79)", "layers.md L11"),
    "gdr": ("peermem_invalid_context",
            "1 GPUDirect RDMA kernel path (peermem/dma-buf) event(s) in dmesg on node01: nvidia-peermem: "
            "nv_get_p2p_free_callback:127 ERROR detected invalid context, skipping further processing (the GPUDirect "
            "RDMA kernel path is broken: NIC access to GPU memory fails)", "layers.md L11"),
    "aer": ("pcie_aer_uncorrected_on_gpu",
            "1 PCIe AER event(s) in dmesg on node01: PCIe AER Uncorrected (Fatal) Transaction Layer error on GPU 3 "
            "(0000:5e:00.0) (nvidia): CmpltTO (the link lost data the device could not recover)",
            POLICY.format("aer_corrected_max")),
    "link_limited": ("pcie_bandwidth_limited_nic",
                     "1 PCIe bandwidth limited event(s) in dmesg on node01: rail0 (enp24s0np0) (0000:18:00.0) has "
                     "252.064 Gb/s of PCIe bandwidth, limited by a 16.0 GT/s x16 link at 0000:17:00.0 (capable of "
                     "504.112 Gb/s with 32.0 GT/s x16: a slot, riser or port trained below the device)",
                     "layers.md L11"),
    "sxid": ("nvswitch_sxid",
             "1 NVSwitch SXid event(s) in dmesg on node01: SXid 20034 on NVSwitch 0000:e6:00.0 (nvidia-nvswitch2): "
             "Fatal, Link 30 LTSSM Fault Up", "layers.md L11"),
}


@pytest.mark.parametrize("kind", sorted(KERNEL_FAULTS))
def test_kernel_log_clean(kind, node01, report):
    fault, message, source = KERNEL_FAULTS[kind]
    limits = (expect.declared(node01, "xid_ignore"), expect.declared(node01, "aer_corrected_max"))
    devices = judge.device_names(report, node01.rails)
    good = judge.kernel_log_clean("node01", dmesg.parse(capture("dmesg-xid")), kind, devices, *limits)
    assert (good.outcome, good.measured, good.reference, good.source) == ("pass", 0, 0, source)
    bad = judge.kernel_log_clean("node01", dmesg.parse(faulted("dmesg-xid", fault)), kind, devices, *limits)
    assert (bad.outcome, bad.measured, bad.message) == ("fail", 1, message)


def test_corrected_aer_within_the_policy_count_passes(node01):
    corrected = dmesg.parse((FIXTURES / "dmesg" / "aer_corrected_endpoint.txt").read_text())
    xid_ignore = expect.declared(node01, "xid_ignore")
    args = ("node01", corrected, "aer", judge.device_names(VM, []), xid_ignore)
    assert judge.kernel_log_clean(*args, expect.declared(node01, "aer_corrected_max")).measured == 1
    allowed = judge.kernel_log_clean(*args, expect.Expected(2, "inventory bringup_expect.aer_corrected_max"))
    assert (allowed.outcome, allowed.source) == ("pass", "inventory bringup_expect.aer_corrected_max")
