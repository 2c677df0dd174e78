"""nvidia-smi -q text report: real captures (tests/fixtures/nvidia_smi_q/README.md), the driver renames, the
narrowed `-d` forms, and cut captures."""

import pytest

from bringup.parsers import ParseError, nvidia_smi_q
from tests.parsers.platform_fixtures import fixture

H100X8 = fixture("nvidia_smi_q", "h100x8_drv565.txt")
DELLA = fixture("nvidia_smi_q", "h100_drv545_della.txt")
ZERO_565 = {"SRAM Correctable": 0, "SRAM Uncorrectable Parity": 0, "SRAM Uncorrectable SEC-DED": 0,
            "DRAM Correctable": 0, "DRAM Uncorrectable": 0}


def test_eight_h100_driver_565():
    report = nvidia_smi_q.parse(H100X8)
    assert (report.driver_version, report.cuda_version, report.attached_gpus) == ("565.57.01", "12.7", 8)
    assert report.timestamp == "Thu Nov 14 07:00:14 2024"
    assert [g.bus_id for g in report.gpus] == [f"00000000:{b}:00.0" for b in
                                               ("18", "2A", "3A", "5D", "9A", "AB", "BA", "DB")]
    first, last = report.gpus[0], report.gpus[-1]
    assert (first.product_name, first.serial, first.vbios, first.persistence_mode) == \
        ("NVIDIA H100 80GB HBM3", "1654423001593", "96.00.74.00.01", "Enabled")
    assert (last.serial, last.temperature_c, last.power_draw_w, last.power_limit_w) == ("1654223055370", 29, 75.09, 700.0)
    assert (first.pcie_gen_current, first.pcie_gen_max, first.link_width_current, first.link_width_max) == (5, 5, 16, 16)
    assert first.ecc_mode == "Enabled"
    assert first.ecc_volatile == ZERO_565 and first.ecc_aggregate == ZERO_565
    assert (first.volatile_uncorrectable, first.aggregate_uncorrectable) == (0, 0)
    # Hopper reports row remapping, not page retirement: the retired-page lines read N/A
    assert (first.retired_single_bit, first.retired_double_bit, first.retired_pending) == (None, None, None)
    assert (first.remapped_correctable, first.remapped_uncorrectable, first.remapped_pending,
            first.remapped_failure) == (0, 0, False, False)
    assert first.active_clock_reasons == ["Idle"]
    assert first.clock_reasons["HW Thermal Slowdown"] is False
    # the generic tree keeps everything, a valued line's children beside it
    assert report.gpus[5].fields["PCI"]["Replays Since Reset"] == "4"
    assert first.fields["Clocks Event Reasons"]["HW Slowdown"] == "Not Active"
    assert first.fields["Clocks Event Reasons"]["HW Slowdown >"] == {
        "HW Thermal Slowdown": "Not Active", "HW Power Brake Slowdown": "Not Active"}
    assert first.fields["ECC Errors"]["Aggregate"]["SRAM Threshold Exceeded"] == "No"


def test_one_h100_driver_545_pasted_under_its_prompt():
    report = nvidia_smi_q.parse(DELLA)
    (gpu,) = report.gpus
    assert (report.driver_version, report.attached_gpus, gpu.bus_id, gpu.vbios) == \
        ("545.23.08", 1, "00000000:19:00.0", "96.00.74.00.0D")
    # R545: SRAM Uncorrectable not yet split into Parity and SEC-DED
    assert gpu.ecc_volatile == {"SRAM Correctable": 0, "SRAM Uncorrectable": 0, "DRAM Correctable": 0,
                                "DRAM Uncorrectable": 0}
    assert (gpu.temperature_c, gpu.power_draw_w, gpu.fields["Module ID"]) == (33, 72.02, "2")


def test_uncorrectable_sums_every_counter_the_driver_prints():
    text = DELLA.replace("            SRAM Uncorrectable            : 0\n            DRAM Correctable              : 0\n"
                         "            DRAM Uncorrectable            : 0\n        Aggregate",
                         "            SRAM Uncorrectable            : 1\n            DRAM Correctable              : 0\n"
                         "            DRAM Uncorrectable            : 2\n        Aggregate", 1)
    gpu = nvidia_smi_q.parse(text).gpus[0]
    assert (gpu.volatile_uncorrectable, gpu.aggregate_uncorrectable) == (3, 0)
    split = H100X8.replace("SRAM Uncorrectable Parity     : 0", "SRAM Uncorrectable Parity     : 4", 1)
    assert nvidia_smi_q.parse(split).gpus[0].volatile_uncorrectable == 4


def test_clocks_throttle_reasons_before_r535():
    """Drivers up to R530 print the same block as `Clocks Throttle Reasons`."""
    old = DELLA.replace("    Clocks Event Reasons\n", "    Clocks Throttle Reasons\n")
    gpu = nvidia_smi_q.parse(old).gpus[0]
    assert gpu.active_clock_reasons == ["Idle"] and gpu.clock_reasons["HW Slowdown"] is False
    hot = old.replace("        SW Thermal Slowdown               : Not Active",
                      "        SW Thermal Slowdown               : Active")
    assert nvidia_smi_q.parse(hot).gpus[0].active_clock_reasons == ["Idle", "SW Thermal Slowdown"]


def _header_and(*sections: str) -> str:
    """`nvidia-smi -q -d X` prints the banner, the header and only the X sections of each GPU: built here from
    the della capture's own lines (no public capture of a narrowed form was found)."""
    head = DELLA[DELLA.index("==="):DELLA.index("GPU 00000000:19:00.0")] + "GPU 00000000:19:00.0\n"
    body = DELLA.split("\n")
    out = []
    for name in sections:
        start = body.index(f"    {name}")
        end = next(i for i in range(start + 1, len(body)) if body[i].startswith("    ") and body[i][4] != " ")
        out.extend(body[start:end])
    return head + "\n".join(out) + "\n"


def test_narrowed_to_ecc_and_page_retirement():
    text = _header_and("ECC Mode", "ECC Errors", "Retired Pages", "Remapped Rows")
    gpu = nvidia_smi_q.parse(text).gpus[0]
    assert list(gpu.fields) == ["ECC Mode", "ECC Errors", "Retired Pages", "Remapped Rows"]
    assert (gpu.ecc_mode, gpu.volatile_uncorrectable, gpu.remapped_pending) == ("Enabled", 0, False)
    assert (gpu.product_name, gpu.pcie_gen_max, gpu.clock_reasons) == (None, None, {})


def test_old_driver_ecc_blocks_and_pending_retirement():
    """Pre-R470 layout (nvidia-smi(1) of those drivers): Single/Double Bit blocks with a Total, and the
    `Pending` flag under Retired Pages."""
    text = _header_and("ECC Mode") + (
        "    ECC Errors\n        Volatile\n            Single Bit\n                Device Memory             : 3\n"
        "                Total                     : 3\n            Double Bit\n"
        "                Device Memory             : 1\n                Total                     : 1\n"
        "    Retired Pages\n        Single Bit ECC                    : 2\n        Double Bit ECC                    : 1\n"
        "        Pending                           : Yes\n")
    gpu = nvidia_smi_q.parse(text).gpus[0]
    assert gpu.ecc_volatile == {"Single Bit Device Memory": 3, "Single Bit Total": 3,
                                "Double Bit Device Memory": 1, "Double Bit Total": 1}
    assert gpu.volatile_uncorrectable == 1
    assert (gpu.retired_single_bit, gpu.retired_double_bit, gpu.retired_pending) == (2, 1, True)


def test_last_gpu_section_cut_midway():
    cut = H100X8[:H100X8.index("    Temperature", H100X8.index("GPU 00000000:DB:00.0"))]
    with pytest.raises(ParseError, match=r"GPU 00000000:DB:00.0 section stops after 'Remapped Rows', before "
                                         r"'Capabilities' that GPU 00000000:18:00.0 ends with \(cut\?\)"):
        nvidia_smi_q.parse(cut)


def test_sections_may_differ_below_the_top_level():
    """GPU 0 runs a process, the others don't: its Processes block has children, theirs reads None."""
    busy = H100X8.replace(
        "    Processes                             : None\n",
        "    Processes\n"
        "        GPU instance ID                   : N/A\n"
        "        Compute instance ID               : N/A\n"
        "        Process ID                        : 4242\n"
        "            Type                          : C\n"
        "            Name                          : python\n"
        "            Used GPU Memory               : 1024 MiB\n", 1)
    report = nvidia_smi_q.parse(busy)
    assert report.gpus[0].fields["Processes"]["Process ID"] == "4242"
    assert report.gpus[0].fields["Processes"]["Process ID >"]["Name"] == "python"
    assert report.gpus[7].fields["Processes"] == "None"


def test_unreachable_gpu_alone():
    """`nvidia-smi -a -i 0` on a GPU NVML cannot open prints one line (NVIDIA/nvidia-docker#1553)."""
    report = nvidia_smi_q.parse(fixture("nvidia_smi_q", "unreachable_i0.txt"))
    assert (report.gpus, report.unreachable, report.driver_version) == ([], {"0000:09:00.0": "Unknown Error"}, None)


def test_unreachable_gpu_line_above_the_report():
    text = DELLA.replace("==============NVSMI LOG==============\n",
                         "Unable to determine the device handle for GPU0000:B3:00.0: Unknown Error\n"
                         "==============NVSMI LOG==============\n")
    report = nvidia_smi_q.parse(text)
    assert (len(report.gpus), report.unreachable) == (1, {"0000:B3:00.0": "Unknown Error"})


def test_cut_after_a_section_header():
    cut = DELLA[:DELLA.index("        GPU Current Temp")]
    with pytest.raises(ParseError, match=r"ends with the section header 'Temperature' and nothing under it"):
        nvidia_smi_q.parse(cut)


def test_line_cut_midway():
    with pytest.raises(ParseError, match="ends mid-line"):
        nvidia_smi_q.parse(DELLA[:DELLA.index("72.02 W") + 4])  # "Power Draw : 72.0"


def test_not_nvidia_smi_q():
    with pytest.raises(ParseError, match="no '==============NVSMI LOG==============' line"):
        nvidia_smi_q.parse("Timestamp : now\n")
    with pytest.raises(ParseError, match="holds no `GPU"):
        nvidia_smi_q.parse(DELLA[:DELLA.index("GPU 00000000:19:00.0")])


def test_indentation_lost():
    broken = DELLA.replace("            Link Width\n", "          Link Width\n")
    with pytest.raises(ParseError, match=r"indentation 10 matches no open section.*'Link Width'"):
        nvidia_smi_q.parse(broken)


def test_garbled_number():
    broken = DELLA.replace("                Max                       : 16x", "                Max                       : 1.6x")
    with pytest.raises(ParseError, match=r"GPU 00000000:19:00.0: Link Width Max is '1.6x', expected a whole number"):
        nvidia_smi_q.parse(broken)


def test_crlf_capture_reads_the_same():
    assert nvidia_smi_q.parse(DELLA.replace("\n", "\r\n")) == nvidia_smi_q.parse(DELLA)
