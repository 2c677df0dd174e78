"""The default `nvidia-smi` table across layouts (R440, R470, R545, R565; tests/fixtures/nvidia_smi_table/README.md),
ERR! cells, "No devices were found", and cut captures."""

import pytest

from bringup.parsers import ParseError, nvidia_smi_table
from bringup.parsers.nvidia_smi_table import Gpu, Process
from tests.parsers.platform_fixtures import fixture

H100X8 = fixture("nvidia_smi_table", "h100x8_drv565.txt")
DELLA = fixture("nvidia_smi_table", "h100_drv545_della.txt")
G470 = fixture("nvidia_smi_table", "geforce_drv470.txt")
G440 = fixture("nvidia_smi_table", "geforce_drv440.txt")


def test_eight_h100_driver_565():
    table = nvidia_smi_table.parse(H100X8)
    assert (table.smi_version, table.driver_version, table.cuda_version) == ("565.57.01", "565.57.01", "12.7")
    assert [g.bus_id[-7:] for g in table.gpus] == ["18:00.0", "2A:00.0", "3A:00.0", "5D:00.0", "9A:00.0", "AB:00.0",
                                                   "BA:00.0", "DB:00.0"]
    assert table.gpus[0] == Gpu(
        index=0, name="NVIDIA H100 80GB HBM3", persistence="On", bus_id="00000000:18:00.0", display_active="Off",
        ecc_uncorrected=0, fan_percent=None, temperature_c=30, perf="P0", power_draw_w=100, power_cap_w=700,
        memory_used_mib=1, memory_total_mib=81559, utilization_percent=0, compute_mode="Default",
        mig_mode="Disabled", errors=[])
    assert [g.power_draw_w for g in table.gpus] == [100, 82, 85, 85, 84, 85, 86, 75]
    assert table.processes == [] and table.no_devices is None


def test_driver_545_narrower_columns_under_a_prompt():
    table = nvidia_smi_table.parse(DELLA)
    (gpu,) = table.gpus
    assert (table.driver_version, gpu.bus_id, gpu.temperature_c, gpu.power_draw_w, gpu.memory_used_mib) == \
        ("545.23.08", "00000000:19:00.0", 33, 72, 2)


def test_driver_470_geforce_with_processes():
    table = nvidia_smi_table.parse(G470)
    (gpu,) = table.gpus
    assert (gpu.name, gpu.persistence, gpu.display_active, gpu.ecc_uncorrected, gpu.power_cap_w, gpu.mig_mode) == \
        ("NVIDIA GeForce ...", "Off", "On", None, None, "N/A")
    assert (gpu.memory_used_mib, gpu.memory_total_mib, gpu.utilization_percent) == (393, 16116, 3)
    assert len(table.processes) == 6
    assert table.processes[1] == Process(0, "N/A", "N/A", 8090, "G", "/usr/lib/xorg/Xorg", "155MiB")


def test_driver_440_two_line_rows_and_old_process_table():
    table = nvidia_smi_table.parse(G440)
    (gpu,) = table.gpus
    assert (gpu.name, gpu.mig_mode, gpu.power_draw_w, gpu.temperature_c) == ("GeForce RTX 207...", None, 6, 48)
    assert [p.pid for p in table.processes] == [1357, 1417, 1811, 1968]
    assert table.processes[3] == Process(0, None, None, 1968, "G", "/usr/bin/gnome-shell", "77MiB")


def test_err_cells_are_kept_as_errors():
    """A GPU NVML cannot read prints ERR! in its cells (nvidia-smi on a GPU that fell off the bus); the row of
    the 565 capture rewritten in that form."""
    text = H100X8.replace(
        "|   3  NVIDIA H100 80GB HBM3          On  |   00000000:5D:00.0 Off |                    0 |\n"
        "| N/A   30C    P0             85W /  700W |",
        "|   3  NVIDIA H100 80GB HBM3          On  |   00000000:5D:00.0 Off |                 ERR! |\n"
        "|ERR!  ERR!  ERR!             ERR! / ERR! |")
    gpu = nvidia_smi_table.parse(text).gpus[3]
    assert gpu.errors == ["Volatile Uncorr. ECC", "Fan", "Temp", "Perf", "Pwr:Usage", "Pwr:Cap"]
    assert (gpu.ecc_uncorrected, gpu.temperature_c, gpu.perf, gpu.memory_total_mib) == (None, None, None, 81559)


def test_mig_devices_box_right_under_the_gpu_box():
    """MIG-enabled GPU: ECC reads On, GPU-Util N/A, and the `MIG devices:` box follows the GPU box with no line
    between them. The della 545 capture's GPU row in that form plus a MIG box as public 545-era captures print
    it (the code index served those pastes without naming their repositories)."""
    mig_box = (
        "+---------------------------------------------------------------------------------------+\n"
        "| MIG devices:                                                                          |\n"
        "+------------------+--------------------------------+-----------+-----------------------+\n"
        "| GPU  GI  CI  MIG |                   Memory-Usage |        Vol|      Shared           |\n"
        "|      ID  ID  Dev |                     BAR1-Usage | SM     Unc| CE ENC DEC OFA JPG    |\n"
        "|                  |                                |        ECC|                       |\n"
        "|==================+================================+===========+=======================|\n"
        "|  0    7   0   0  |               5MiB /  4864MiB  | 14      0 |  1   0    0    0    0 |\n"
        "|                  |               0MiB /  8191MiB  |           |                       |\n"
        "+------------------+--------------------------------+-----------+-----------------------+\n")
    text = (DELLA.replace("00000000:19:00.0 Off |                    0 |", "00000000:19:00.0 Off |                   On |")
            .replace("81559MiB |      0%      Default |", "81559MiB |     N/A      Default |")
            .replace("|             Disabled |\n+-----------------------------------------+----------------------+"
                     "----------------------+\n",
                     "|              Enabled |\n+-----------------------------------------+----------------------+"
                     "----------------------+\n" + mig_box))
    table = nvidia_smi_table.parse(text)
    (gpu,) = table.gpus
    assert (gpu.ecc_uncorrected, gpu.utilization_percent, gpu.mig_mode, gpu.errors) == (None, None, "Enabled", [])
    assert table.processes == []


def test_no_devices_were_found():
    table = nvidia_smi_table.parse("$ nvidia-smi\nNo devices were found\n")
    assert (table.gpus, table.no_devices, table.driver_version) == ([], True, None)


def test_unreachable_gpu_alone():
    table = nvidia_smi_table.parse(fixture("nvidia_smi_table", "unreachable_unknown_error.txt"))
    assert (table.gpus, table.driver_version, table.unreachable) == ([], None, {"0000:0B:00.0": "Unknown Error"})
    lost = nvidia_smi_table.parse(fixture("nvidia_smi_table", "gpu_lost.txt"))
    assert lost.unreachable == {"0000:03:00.0": "GPU is lost.  Reboot the system to recover this GPU"}


def test_unreachable_gpu_above_the_table():
    text = DELLA.replace("$ nvidia-smi\n", "$ nvidia-smi\nUnable to determine the device handle for GPU0000:07:00.0: "
                                               "Unknown Error\n")
    table = nvidia_smi_table.parse(text)
    assert (len(table.gpus), table.unreachable) == (1, {"0000:07:00.0": "Unknown Error"})


def test_table_without_its_closing_border():
    cut = H100X8[:H100X8.index("|                                         |                        |             Disabled |")]
    with pytest.raises(ParseError, match=r"table opened on line 4 ends without its closing '\+---\+' border"):
        nvidia_smi_table.parse(cut)


def test_processes_table_cut():
    cut = G470[:G470.index("|    0   N/A  N/A     12963")]
    with pytest.raises(ParseError, match=r"ends without its closing '\+---\+' border \(cut\?\)"):
        nvidia_smi_table.parse(cut)


def test_row_cut_midway():
    cut = G470[:G470.index("| N/A   55C") + 12] + "\n"
    with pytest.raises(ParseError, match=r"line 13: table row without its closing '\|' \(cut\?\)"):
        nvidia_smi_table.parse(cut)
    with pytest.raises(ParseError, match=r"line 22: table row without its closing"):
        nvidia_smi_table.parse(G470[:G470.index("35MiB |") + 3])
    gpu_table_end = H100X8.index("Disabled |\n+", H100X8.index("00000000:DB:00.0")) + 12
    with pytest.raises(ParseError, match="ends mid-line"):
        nvidia_smi_table.parse(H100X8[:gpu_table_end + 100] + "   ")


def test_not_the_table():
    with pytest.raises(ParseError, match="no '| NVIDIA-SMI"):
        nvidia_smi_table.parse("GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1)\n")


def test_garbled_cell():
    with pytest.raises(ParseError, match=r"Temp reads '3OC', expected a number in C, N/A or ERR!"):
        nvidia_smi_table.parse(DELLA.replace("N/A   33C", "N/A   3OC"))


def test_crlf_capture_reads_the_same():
    assert nvidia_smi_table.parse(G470.replace("\n", "\r\n")) == nvidia_smi_table.parse(G470)
