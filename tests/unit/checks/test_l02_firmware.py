"""The L2 judges on real captures (the recorded H100 scenario's nodes; the H100 VM recorded on a lent device in
tests/fixtures/recorded_h100): each passes on the healthy capture and fails, for the right reason, on the real
VM's capture or the capture changed as a fault overlay changes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bringup.checks import l02_firmware as judge
from bringup.expect import Expected
from bringup.inventory import load_inventory
from bringup.parsers import dmesg, grep_h, lspci_vvv, mlxconfig, nvidia_smi_xml, pci_link_sysfs, proc_cmdline
from bringup.probes.platform import GPU_PCIE, NicLink
from tests.unit.checks.captures import policy, read

TESTS = Path(__file__).resolve().parents[2]
SCENARIO = TESTS / "scenarios" / "h100" / "captures"
H100 = SCENARIO / "common"
DEVICE = TESTS / "fixtures" / "recorded_h100"
INVENTORY = TESTS / "scenarios" / "h100" / "inventory"


def capture(name: str, replace: tuple[str, str] | None = None, folder: Path = H100) -> str:
    return read(folder / name, *filter(None, [replace]), count=1)


GEN, WIDTH = policy("pcie_link_gen", 5), policy("pcie_link_width", 16)


@pytest.fixture(scope="module")
def lspci():
    return lspci_vvv.parse(capture("lspci-vvv.out"))


def test_cmdline_iommu():
    scenario = proc_cmdline.parse(capture("cmdline.out"))
    vm = proc_cmdline.parse((DEVICE / "cmdline.out").read_text())
    assert judge.cmdline_iommu("node01", "D2", scenario, False).outcome == "pass"
    assert judge.cmdline_iommu("node01", "D1", scenario, True).outcome == "pass"
    # the lent H100 VM boots without iommu=pt and without an IOMMU switch: what failed live
    bad = judge.cmdline_iommu("h100vm", "D2", vm, False)
    assert bad.failed and bad.message.startswith("bare-metal GPUDirect (D2) needs iommu=pt or the IOMMU off "
                                                 "(intel_iommu=off/amd_iommu=off); h100vm has: mitigations=auto")
    no_pt = proc_cmdline.parse(capture("cmdline.out", ("intel_iommu=on iommu=pt ", "intel_iommu=on ")))
    assert judge.cmdline_iommu("node01", "D1", no_pt, True).message.startswith(
        "D1 uses SR-IOV: the cmdline needs intel_iommu=on (or amd_iommu=on) and iommu=pt; node01 has: BOOT_IMAGE=")


def test_iommu_state():
    passthrough = dmesg.parse(capture("dmesg-iommu.out"))
    good = judge.iommu_state("node01", "D1", passthrough, True)
    assert (good.outcome, good.measured) == ("pass", "enabled=True, default domain Passthrough")
    assert judge.iommu_state("node01", "D2", passthrough, False).outcome == "pass"
    # the VM's kernel says "Translated" but never that an IOMMU was enabled (no DMAR/AMD-Vi unit): it passed live
    vm = dmesg.parse((DEVICE / "dmesg-iommu.out").read_text())
    assert judge.iommu_state("h100vm", "D2", vm, False).measured == "enabled=None, default domain Translated"
    assert judge.iommu_state("h100vm", "D2", vm, False).outcome == "pass"
    assert judge.iommu_state("h100vm", "D1", vm, True).failed
    edited = dmesg.parse(capture("dmesg-iommu.out", ("iommu: Default domain type: Passthrough (set via kernel "
                                                     "command line)", "iommu: Default domain type: Translated ")))
    bad = judge.iommu_state("node01", "D2", edited, False)
    assert bad.message.startswith("the IOMMU translates DMA (default domain Translated) on node01: ")
    assert judge.iommu_state("node01", "D1", edited, True).message.startswith(
        "D1 needs the IOMMU enabled in passthrough; dmesg on node01: ")


def test_nic_link(lspci):
    fn = lspci["0000:18:00.0"]
    link = NicLink(fn.link_sta.speed_gts, fn.link_sta.width, fn.link_downgraded, "32.0GT/s x16", "lspci")
    good = judge.nic_link_full_speed("rail0 NIC 0000:18:00.0", link, GEN, WIDTH)
    assert (good.outcome, good.measured, good.reference) == ("pass", "32.0GT/s x16 (lspci)", "32.0GT/s x16")
    sysfs = pci_link_sysfs.parse(capture("pcie-sysfs@rail3.out", ("current_link_speed:32.0 GT/s PCIe",
                                                                  "current_link_speed:16.0 GT/s PCIe")))
    slow = NicLink(sysfs.speed_gts, sysfs.width, sysfs.downgraded, "32.0GT/s x16", "sysfs")
    assert judge.nic_link_full_speed("rail3 NIC 0000:5d:00.0", slow, GEN, WIDTH).message == (
        "rail3 NIC 0000:5d:00.0 link downgraded: running 16.0GT/s x16, capable of 32.0GT/s x16 (sysfs)")
    gen4_slot = NicLink(16.0, 16, False, "16.0GT/s x16", "lspci")
    assert judge.nic_link_full_speed("rail3 NIC", gen4_slot, GEN, WIDTH).message == \
        "rail3 NIC: 16.0GT/s, not Gen5 (policy pcie_link_gen in bringup/policy.yml)"
    narrow = NicLink(32.0, 8, False, "32.0GT/s x8", "lspci")
    assert judge.nic_link_full_speed("rail3 NIC", narrow, GEN, WIDTH).message == \
        "rail3 NIC: x8, not x16 (policy pcie_link_width in bringup/policy.yml)"


def test_gpu_link():
    rows = GPU_PCIE.parser(capture("gpu-pcie.out"))
    good = judge.gpu_link_full_speed(3, rows, GEN, WIDTH)
    assert (good.outcome, good.measured) == ("pass", "Gen5 x16")
    gen4 = GPU_PCIE.parser(capture("gpu-pcie.out", ("3, 00000000:5E:00.0, 5, 16, 16",
                                                    "3, 00000000:5E:00.0, 4, 16, 16")))
    assert judge.gpu_link_full_speed(3, gen4, GEN, WIDTH).message == \
        "GPU 3 (00000000:5E:00.0): the slot allows only Gen4 (policy pcie_link_gen in bringup/policy.yml)"
    x8 = GPU_PCIE.parser(capture("gpu-pcie.out", ("3, 00000000:5E:00.0, 5, 16, 16", "3, 00000000:5E:00.0, 5, 8, 16")))
    assert judge.gpu_link_full_speed(3, x8, GEN, WIDTH).message == \
        "GPU 3 (00000000:5E:00.0) runs x8, not x16 (policy pcie_link_width in bringup/policy.yml)"
    assert judge.gpu_link_full_speed(9, rows, GEN, WIDTH).message == \
        "nvidia-smi lists no GPU 9 (GPUs: ['0', '1', '2', '3', '4', '5', '6', '7'])"


def test_bar1():
    node02 = SCENARIO / "node02"
    good = judge.bar1_maps_all_memory("node02", 0, nvidia_smi_xml.parse(capture("nvidia-smi-xml.out", folder=node02)))
    assert (good.outcome, good.measured) == ("pass", 131072)
    legacy = nvidia_smi_xml.parse(capture("nvidia-smi-xml.out", ("<bar1_memory_usage>\n\t\t\t<total>131072 MiB</total>",
                                                                 "<bar1_memory_usage>\n\t\t\t<total>256 MiB</total>"),
                                          node02))
    bad = judge.bar1_maps_all_memory("node02", 0, legacy)
    assert bad.failed and bad.message.startswith("GPU 0 (00000000:19:00.0) BAR1: 256 MiB < ")
    vm = nvidia_smi_xml.parse((DEVICE / "nvidia-smi-q-x.out").read_text())
    assert judge.bar1_maps_all_memory("h100vm", 0, vm).outcome == "pass"
    assert judge.bar1_maps_all_memory("h100vm", 1, vm).message == "nvidia-smi -q -x lists no GPU 1 on h100vm (1 GPUs)"


def test_max_read_request(lspci):
    declared = policy("nic_max_read_request", 4096)
    assert judge.max_read_request("node02", "rail5", lspci, "0000:ab:00.0", declared).outcome == "pass"
    text = capture("lspci-vvv.out")
    start = text.index("0000:ab:00.0 Ethernet controller")
    at = text.index("MaxReadReq 4096 bytes", start)
    small = lspci_vvv.parse(text[:at] + "MaxReadReq 512 bytes" + text[at + len("MaxReadReq 4096 bytes"):])
    assert judge.max_read_request("node02", "rail5", small, "0000:ab:00.0", declared).message == \
        "rail5 NIC 0000:ab:00.0 MaxReadReq: 512 bytes != 4096 bytes (policy nic_max_read_request in bringup/policy.yml)"
    assert judge.max_read_request("node02", "rail9", lspci, "0000:ee:00.0", declared).message == \
        "rail9 NIC 0000:ee:00.0 is not in `lspci -vvv` on node02"


def test_acs(lspci):
    rows = GPU_PCIE.parser(capture("gpu-pcie.out"))
    good = judge.acs_off_on_path("node01", "rail0", "0000:18:00.0", 0, rows, lspci)
    assert (good.outcome, good.measured) == ("pass", "all ACSCtl flags off")
    on = lspci_vvv.parse(capture("lspci-vvv.out", (
        "ACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-",
        "ACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-")))
    bad = judge.acs_off_on_path("node01", "rail0", "0000:18:00.0", 0, rows, on)
    assert bad.message == ("ACS enabled on the switch ports between GPU 0 and rail0 NIC: 0000:17:00.0 CmpltRedir+ "
                           "ReqRedir+ SrcValid+ UpstreamFwd+ (P2P is forced through the root complex)")
    assert judge.acs_off_on_path("node01", "rail0", "0000:18:00.0", 0, None, lspci).message == \
        "GPU 0 of rail0 is not in `lspci -vvv` on node01"
    vm = lspci_vvv.parse((TESTS / "fixtures" / "lspci_vvv" / "virtio_microvm_real.txt").read_text())
    slots = sorted(vm)
    vm_rows = [{"index": "0", "pci.bus_id": slots[0]}]
    assert judge.acs_off_on_path("h100vm", "rail0", slots[-1], 0, vm_rows, vm) is None  # no switch: nothing to judge


def test_nv_config():
    d2 = load_inventory(str(INVENTORY)).node("node01")
    d1 = load_inventory(str(INVENTORY), "k8s-sriov-roce").node("node01")
    parts = (policy("mlxconfig", {"LINK_TYPE_P1": "ETH(2)", "ROCE_CC_PRIO_MASK_P1": 255}),
             policy("mlxconfig_iommu_passthrough", {"ATS_ENABLED": "False(0)"}),
             policy("mlxconfig_sriov", {"SRIOV_EN": "True(1)"}))
    conf = mlxconfig.parse(capture("mlxconfig@rail0.out"))
    wanted = judge.wanted_nv_config(d2, d2.rails[0], *parts)
    assert wanted.value == {"LINK_TYPE_P1": "ETH(2)", "ROCE_CC_PRIO_MASK_P1": 255, "ATS_ENABLED": "False(0)",
                            "CNP_DSCP_P1": 48, "CNP_802P_PRIO_P1": 6}
    assert judge.nv_config("rail0", "0000:18:00.0", conf, wanted).outcome == "pass"
    sriov = judge.wanted_nv_config(d1, d1.rails[0], *parts)
    assert "SRIOV_EN" in sriov.value and "policy mlxconfig_sriov in bringup/policy.yml" in sriov.source
    bad = judge.nv_config("rail0", "0000:18:00.0", conf, sriov)
    assert bad.message == "rail0 NIC 0000:18:00.0 NV-config differs: SRIOV_EN=False(0) (expected True(1))"


def test_bios():
    values = grep_h.under(grep_h.parse(capture("bios.out")), "/sys/class/dmi/id")
    assert judge.bios_version(values) == "2.1"
    declared = Expected("2.1", "inventory bringup_expect.bios_version")
    fleet = {"node01": "1.8", "node02": "2.1"}
    assert judge.bios_identical("node02", values, fleet, declared).outcome == "pass"
    assert judge.bios_identical("node01", {"bios_version": "1.8"}, fleet, declared).message == (
        "BIOS version: node01 has '1.8', expected '2.1' (inventory bringup_expect.bios_version); "
        "nodes that differ: node01")
    vendor_only = {"bios_vendor": "American Megatrends International, LLC."}
    assert judge.bios_identical("node01", vendor_only, fleet, declared).message == \
        "no bios_version in /sys/class/dmi/id (['bios_vendor'])"
