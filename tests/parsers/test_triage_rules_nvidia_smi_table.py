from bringup.parsers import nvidia_smi_table
from bringup.triage.model import Context, Finding
from bringup.triage.rules import nvidia_smi_table as rule
from tests.parsers.platform_fixtures import fixture

H100X8 = fixture("nvidia_smi_table", "h100x8_drv565.txt")
G470 = fixture("nvidia_smi_table", "geforce_drv470.txt")
POLICY = {"gpu_persistence_mode": "Enabled"}
HGX = {"gpus": 8, "gpu_model": "NVIDIA H100 80GB HBM3"}


def test_detects_the_table_and_not_nvidia_smi_L_or_q():
    assert rule.detect(H100X8) and rule.detect("No devices were found\n")
    assert not rule.detect(fixture("nvidia_smi_q", "h100_drv545_della.txt"))
    assert not rule.detect("GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-6f3c9a3e)\n")


def test_healthy_hgx_is_info():
    found = rule.findings(nvidia_smi_table.parse(H100X8), Context(expect=POLICY, hardware=HGX))
    assert found[0] == Finding("info", "GPU 0 (00000000:18:00.0)", "NVIDIA H100 80GB HBM3, 30C, P0, 100W / 700W, ECC 0")
    assert len(found) == 8 and {f.severity for f in found} == {"info"}


def test_err_cells_and_ecc_fail():
    text = (H100X8.replace("|   3  NVIDIA H100 80GB HBM3          On  |   00000000:5D:00.0 Off |                    0 |\n"
                           "| N/A   30C    P0             85W /  700W |",
                           "|   3  NVIDIA H100 80GB HBM3          On  |   00000000:5D:00.0 Off |                 ERR! |\n"
                           "|ERR!  ERR!  ERR!             ERR! / ERR! |")
            .replace("00000000:9A:00.0 Off |                    0 |", "00000000:9A:00.0 Off |                    2 |"))
    found = [f for f in rule.findings(nvidia_smi_table.parse(text), Context(expect=POLICY, hardware=HGX))
             if f.severity != "info"]
    assert found == [
        Finding("fail", "GPU 3 (00000000:5D:00.0)", "ERR! in Volatile Uncorr. ECC, Fan, Temp, Perf, Pwr:Usage, "
                                                    "Pwr:Cap (NVML cannot read the GPU: look for Xid 79, fallen off "
                                                    "the bus, in dmesg)"),
        Finding("fail", "GPU 4 (00000000:9A:00.0)", "2 uncorrectable ECC errors since boot"),
    ]


def test_count_model_and_persistence_against_inventory():
    found = rule.findings(nvidia_smi_table.parse(G470), Context(expect=POLICY, hardware=HGX))
    assert found == [
        Finding("fail", "node", "nvidia-smi lists 1 GPUs, expected 8 (inventory bringup_hardware.gpus)"),
        Finding("fail", "GPU 0 (00000000:01:00.0)", "model NVIDIA GeForce ..., expected NVIDIA H100 80GB HBM3 "
                                                    "(inventory bringup_hardware.gpu_model)"),
        Finding("fail", "GPU 0 (00000000:01:00.0)", "persistence mode Off, expected On (policy gpu_persistence_mode "
                                                    "Enabled)"),
    ]


def test_truncated_name_matches_its_model():
    found = rule.findings(nvidia_smi_table.parse(G470), Context(hardware={"gpus": 1, "gpu_model": "NVIDIA GeForce RTX 3080"}))
    assert found == [Finding("info", "GPU 0 (00000000:01:00.0)", "NVIDIA GeForce ..., 55C, P8, 21W, ECC N/A")]


def test_no_devices_fails():
    found = rule.findings(nvidia_smi_table.parse("No devices were found\n"), Context(hardware=HGX))
    assert found == [Finding("fail", "node", "nvidia-smi: No devices were found, expected 8 "
                                             "(inventory bringup_hardware.gpus)")]


def test_gpu_nvml_cannot_open_fails():
    text = fixture("nvidia_smi_table", "unreachable_unknown_error.txt")
    assert rule.detect(text)
    assert rule.findings(nvidia_smi_table.parse(text), Context(hardware={"gpus": 1})) == [
        Finding("fail", "GPU 0000:0B:00.0", "nvidia-smi cannot open it: Unknown Error (fallen off the bus? look for "
                                            "Xid 79 in dmesg)"),
        Finding("fail", "node", "nvidia-smi lists 0 GPUs, expected 1 (inventory bringup_hardware.gpus)"),
    ]


def test_unreachable_line_in_a_q_report_is_left_to_the_q_rule():
    q = fixture("nvidia_smi_q", "h100_drv545_della.txt").replace(
        "jdh4@della-j11g1:~$ nvidia-smi -a\n",
        "jdh4@della-j11g1:~$ nvidia-smi -a\nUnable to determine the device handle for GPU0000:B3:00.0: Unknown Error\n")
    assert not rule.detect(q)
