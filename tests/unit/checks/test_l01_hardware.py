"""The L1 judges on real captures (the recorded H100 scenario's nodes, the H100 VM recorded on a lent device in
tests/fixtures/recorded_h100, and the ipmitool/ethtool fixtures): each passes on the healthy capture and fails,
for the right reason, on another real capture or the capture changed as a fault overlay changes it."""

from __future__ import annotations

from pathlib import Path

from bringup.checks import l01_hardware as judge
from bringup.expect import Expected
from bringup.parsers import ethtool_driver, ipmitool_sdr, ipmitool_sel, lspci, meminfo, scalar
from bringup.probe.batch import CommandResult
from bringup.probes.hardware import GPU_QUERY, IPMI_SDR, IPMI_SEL
from tests.unit.checks.captures import read

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures"
H100 = SCENARIO / "common"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DEVICE = FIXTURES / "recorded_h100"
NO_DEVICE = "Could not open device at /dev/ipmi0 or /dev/ipmi/0 or /dev/ipmidev/0: No such file or directory\n"


def capture(name: str, replace: tuple[str, str] | None = None, folder: Path = H100) -> str:
    return read(folder / name, *filter(None, [replace]))


def gpu_rows(replace=None):
    return GPU_QUERY.parser(capture("gpu-query.out", replace, SCENARIO / "node01"))


def inv(value, key):
    return Expected(value, f"inventory bringup_hardware.{key}")


def test_cpu_count():
    cpus = scalar.parse_int(capture("nproc.out"))
    assert judge.cpu_count("node01", {"node01": cpus, "node02": cpus}, inv(224, "cpus")).outcome == "pass"
    bad = judge.cpu_count("node02", {"node01": cpus, "node02": 112}, inv(224, "cpus"))
    assert bad.message == ("logical CPUs: node02 has 112, expected 224 (inventory bringup_hardware.cpus); "
                           "nodes that differ: node02")


def test_memory():
    gib = judge.memory_gib(meminfo.parse(capture("meminfo.out")))
    assert gib == 2015  # 2113389012 kB
    good = judge.memory("node01", gib, inv(1900, "memory_gib"), None)
    assert (good.outcome, good.measured, good.reference) == ("pass", 2015, ">= 1900")
    assert judge.memory("node01", gib, inv(2048, "memory_gib"), None).message == \
        "memory: 2015 GiB < 2048 GiB (inventory bringup_hardware.memory_gib)"
    fleet = {"node01": gib, "node02": gib, "node03": 1024}
    assert judge.memory("node01", gib, None, fleet).outcome == "pass"
    assert judge.memory("node03", 1024, None, fleet).message == (
        "memory (GiB): node03 has 1024, expected 2015 (fleet majority, 2 of 3 nodes); nodes that differ: node03")


def test_gpu_count():
    eight = inv(8, "gpus")
    on_pci = len(lspci.gpus(lspci.parse(capture("lspci.out"))))
    assert judge.gpu_count(on_pci, len(gpu_rows()), eight).outcome == "pass"
    # the gpu_missing overlay: GPU 7 off the bus, and so gone from nvidia-smi too
    fell = "0000:dc:00.0 3D controller [0302]: NVIDIA Corporation GH100 [H100 SXM5 80GB] [10de:2330] (rev a1)\n"
    on_pci = len(lspci.gpus(lspci.parse(capture("lspci.out", (fell, "")))))
    assert judge.gpu_count(on_pci, 7, eight).message == \
        "GPUs on the PCI bus: 7 != 8 (inventory bringup_hardware.gpus)"
    assert judge.gpu_count(8, 7, eight).message == "GPUs seen by nvidia-smi: 7 != 8 (inventory bringup_hardware.gpus)"


def test_gpu_models_and_vbios():
    model = inv("NVIDIA H100 80GB HBM3", "gpu_model")
    assert judge.gpu_models(gpu_rows(), model).outcome == "pass"
    pcie = gpu_rows(("7, NVIDIA H100 80GB HBM3,", "7, NVIDIA H100 PCIe,"))
    assert judge.gpu_models(pcie, model).message == ("GPU models: ['NVIDIA H100 80GB HBM3', 'NVIDIA H100 PCIe'] != "
                                                     "['NVIDIA H100 80GB HBM3'] (inventory bringup_hardware.gpu_model)")
    scenario = judge.vbios_per_sku(gpu_rows())
    vm = judge.vbios_per_sku(GPU_QUERY.parser((DEVICE / "gpu-query.out").read_text()))
    assert (scenario, vm) == ((("NVIDIA H100 80GB HBM3", "96.00.99.00.01"),),
                              (("NVIDIA H100 80GB HBM3", "96.00.DA.00.0C"),))
    values = {"node01": scenario, "node02": scenario, "h100vm": vm}
    assert judge.vbios_identical("node01", values, None).outcome == "pass"
    assert judge.vbios_identical("h100vm", values, None).failed


def test_power_limit():
    good = judge.power_limit(3, gpu_rows(), None)
    assert (good.outcome, good.measured, good.source) == ("pass", 700.0, "GPU 3's own power.default_limit")
    capped = gpu_rows(("00000000:5E:00.0, 700.00, 700.00", "00000000:5E:00.0, 500.00, 700.00"))
    assert judge.power_limit(3, capped, None).message == \
        "GPU 3 power limit: 500.0 W != 700.0 W (GPU 3's own power.default_limit)"
    site = Expected(500, "inventory bringup_expect.gpu_power_limit_w")
    assert judge.power_limit(3, capped, site).outcome == "pass"
    assert judge.power_limit(8, gpu_rows(), None).message == \
        "nvidia-smi lists no GPU 8 (indices: [0, 1, 2, 3, 4, 5, 6, 7])"


def test_hw_slowdown():
    assert judge.no_hw_slowdown("node02", 5, gpu_rows()).outcome == "pass"
    slow = gpu_rows(("00000000:AC:00.0, 700.00, 700.00, Not Active", "00000000:AC:00.0, 700.00, 700.00, Active"))
    bad = judge.no_hw_slowdown("node02", 5, slow)
    assert (bad.measured, bad.message) == ("Active", "GPU 5 on node02: HW slowdown Active (thermal or power brake)")


def test_nic_count():
    functions = lspci.parse(capture("lspci.out"))
    cx7 = len(lspci.nics(functions, "15b3", "1021"))
    assert judge.nic_count(cx7, "15b3:1021", inv(8, "nics")).outcome == "pass"
    # without the device id the two ConnectX-6 Dx front-end ports count too
    assert judge.nic_count(len(lspci.nics(functions, "15b3")), "15b3:*", inv(8, "nics")).message == \
        "backend NIC functions (15b3:*, VFs excluded): 10 != 8 (inventory bringup_hardware.nics)"


def test_nic_firmware():
    rail5 = judge.firmware_of(ethtool_driver.parse(capture("ethtool-i-rail5.out")))
    assert rail5 == "28.42.1000 (MT_0000000838)"
    old = judge.firmware_of(ethtool_driver.parse(capture("ethtool-i-rail5.out", ("28.42.1000", "28.39.2048"))))
    declared = Expected("28.42.1000 (MT_0000000838)", "inventory bringup_expect.nic_firmware")
    values = {"node01": rail5, "node02": old}
    assert judge.nic_firmware_identical("rail5", "node01", values, declared).outcome == "pass"
    assert judge.nic_firmware_identical("rail5", "node02", values, declared).message == (
        "rail5 NIC firmware: node02 has '28.39.2048 (MT_0000000838)', expected '28.42.1000 (MT_0000000838)' "
        "(inventory bringup_expect.nic_firmware); nodes that differ: node02")


def test_bmc_unreachable():
    ok = CommandResult(IPMI_SDR.command, 0, capture("ipmi-sdr.out"), "")
    assert judge.bmc_unreachable("node01", ok, None) is None
    missing = CommandResult(IPMI_SDR.command, 127, "", "sh: 1: ipmitool: not found\n")
    assert judge.bmc_unreachable("node01", missing, None).message == \
        "ipmitool not installed on node01 (`ipmitool sdr elist`: rc 127)"
    no_device = CommandResult(IPMI_SEL.command, 1, "", NO_DEVICE)
    assert judge.bmc_unreachable("node02", no_device, None).message == (
        "no IPMI device on node02: `ipmitool sel elist`: " + NO_DEVICE.strip()
        + "; declare bringup_hardware.bmc: false if it has none")
    assert judge.bmc_unreachable("node02", no_device, True).message.endswith("No such file or directory")


def test_critical_sensors():
    healthy = ipmitool_sdr.parse(capture("ipmi-sdr.out"))
    good = judge.no_critical_sensors("node01", healthy)
    assert (good.outcome, good.measured) == ("pass", f"{len(healthy)} sensors ok")
    bad = judge.no_critical_sensors("node01", ipmitool_sdr.parse((FIXTURES / "ipmitool_sdr" / "faults_elist.txt")
                                                                 .read_text()))
    assert bad.message.startswith("3 critical BMC sensor(s) on node01: GPU_BP_Temp ucr, reading 96 degrees C; "
                                  "FAN_2A lcr, reading 360 RPM; P12V_PSU1 lnr, reading 0 Volts")
    assert "Inlet_Temp unc (41 degrees C)" in bad.measured  # non-critical: shown, not failed


def test_sel_no_new_entries():
    cleared = ipmitool_sel.parse(capture("ipmi-sel.out"))
    good = judge.sel_no_new_entries("node01", cleared, None)
    assert (good.outcome, good.measured) == ("pass", "0 new of 1 SEL records")
    burst = ipmitool_sel.parse((FIXTURES / "ipmitool_sel" / "elist_1818.txt").read_text())
    bad = judge.sel_no_new_entries("node01", burst, None)
    assert bad.message.startswith(f"{len(burst) - 1} new SEL record(s) on node01 (none declared, so every record is "
                                  "new): #1 Pre-Init")
    assert bad.message.endswith(" ...")
    declared = Expected({"node01": "b", "node02": "3"}, "inventory bringup_expect.bmc_sel_baseline_id")
    after_b = judge.sel_no_new_entries("node01", burst, declared)
    assert after_b.message.startswith("1 new SEL record(s) on node01 (baseline record b (inventory bringup_expect."
                                      "bmc_sel_baseline_id)): #c 03/14/2024 13:06:54 Processor #0x40: IERR")
    gone = Expected(0x40, "inventory bringup_expect.bmc_sel_baseline_id")
    assert "which is no longer in the SEL" in judge.sel_no_new_entries("node01", burst, gone).message
    typo = Expected("0xzz", "inventory bringup_expect.bmc_sel_baseline_id")
    assert judge.sel_no_new_entries("node01", burst, typo).message == \
        "inventory bringup_expect.bmc_sel_baseline_id is '0xzz': not a SEL record id (hex, as ipmitool prints it)"
