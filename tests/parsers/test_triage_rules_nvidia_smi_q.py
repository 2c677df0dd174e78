from bringup.parsers import nvidia_smi_q
from bringup.triage.model import Context, Finding
from bringup.triage.rules import nvidia_smi_q as rule
from tests.parsers.platform_fixtures import fixture

DELLA = fixture("nvidia_smi_q", "h100_drv545_della.txt")
H100X8 = fixture("nvidia_smi_q", "h100x8_drv565.txt")
POLICY = {"pcie_link_gen": 5, "pcie_link_width": 16, "gpu_persistence_mode": "Enabled"}


def test_detects_the_text_report_and_not_xml():
    assert rule.detect(DELLA) and rule.detect(H100X8)
    assert not rule.detect(fixture("nvidia_smi_xml", "h100_driver535_2gpu.xml"))


def test_healthy_gpus_are_info():
    found = rule.findings(nvidia_smi_q.parse(H100X8), Context(expect=POLICY, hardware={"gpus": 8}))
    assert len(found) == 8
    assert found[0] == Finding("info", "GPU 00000000:18:00.0",
                               "NVIDIA H100 80GB HBM3, no uncorrectable ECC, nothing pending, PCIe Gen5 x16")
    assert {f.severity for f in found} == {"info"}


def test_gpu_count_against_inventory():
    found = rule.findings(nvidia_smi_q.parse(DELLA), Context(expect=POLICY, hardware={"gpus": 8}))
    assert found[0] == Finding("fail", "node", "nvidia-smi reports 1 attached GPUs, expected 8 "
                                               "(inventory bringup_hardware.gpus)")


def test_memory_health_failures():
    text = (DELLA.replace("            DRAM Uncorrectable            : 0\n        Aggregate",
                          "            DRAM Uncorrectable            : 2\n        Aggregate", 1)
            .replace("        Pending                           : No", "        Pending                           : Yes")
            .replace("Remapping Failure Occurred        : No", "Remapping Failure Occurred        : Yes"))
    found = rule.findings(nvidia_smi_q.parse(text), Context(expect=POLICY))
    assert found == [
        Finding("fail", "GPU 00000000:19:00.0", "2 uncorrectable ECC errors since boot"),
        Finding("fail", "GPU 00000000:19:00.0", "row remapping pending (GPU reset needed)"),
        Finding("fail", "GPU 00000000:19:00.0", "row remapping failed (RMA candidate)"),
    ]


def test_hw_slowdown_narrow_link_and_persistence_fail():
    text = (DELLA.replace("        HW Slowdown                       : Not Active",
                          "        HW Slowdown                       : Active")
            .replace("            HW Thermal Slowdown           : Not Active",
                     "            HW Thermal Slowdown           : Active")
            .replace("                Current                   : 16x", "                Current                   : 8x")
            .replace("    Persistence Mode                      : Enabled",
                     "    Persistence Mode                      : Disabled"))
    found = rule.findings(nvidia_smi_q.parse(text), Context(expect=POLICY))
    assert [f.message for f in found] == [
        "HW Slowdown, HW Thermal Slowdown active (thermal or power brake)",
        "PCIe link runs x8, expected x16 (policy pcie_link_width)",
        "persistence mode Disabled, expected Enabled (policy gpu_persistence_mode)",
    ]


def test_slot_generation_below_policy():
    text = DELLA.replace("                Max                       : 5", "                Max                       : 4")
    found = rule.findings(nvidia_smi_q.parse(text), Context(expect=POLICY))
    assert found == [Finding("fail", "GPU 00000000:19:00.0",
                             "the slot allows only Gen4, expected Gen5 (policy pcie_link_gen)")]


def test_unreachable_gpu_above_the_report_fails():
    text = DELLA.replace("==============NVSMI LOG==============\n",
                         "Unable to determine the device handle for GPU0000:B3:00.0: Unknown Error\n"
                         "==============NVSMI LOG==============\n")
    found = rule.findings(nvidia_smi_q.parse(text), Context(expect=POLICY))
    assert found[0] == Finding("fail", "GPU 0000:B3:00.0", "nvidia-smi cannot open it: Unknown Error (fallen off "
                                                           "the bus? look for Xid 79 in dmesg)")
    assert [f.severity for f in found] == ["fail", "info"]
