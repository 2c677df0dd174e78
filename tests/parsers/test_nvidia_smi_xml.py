import pytest

from bringup.parsers import ParseError, nvidia_smi_xml
from tests.parsers.platform_fixtures import cut, fixture


def test_driver_and_healthy_gpu():
    report = nvidia_smi_xml.parse(fixture("nvidia_smi_xml", "h100_driver535_2gpu.xml"))
    assert (report.driver_version, report.cuda_version, len(report.gpus)) == ("535.161.08", "12.2", 2)
    gpu = report.gpus[0]
    assert gpu == nvidia_smi_xml.GpuReport(
        index=0, bus_id="00000000:19:00.0", name="NVIDIA H100 80GB HBM3", persistence_mode="Enabled",
        fabric_state="Completed", fabric_status="Success", ecc_mode="Enabled", volatile_uncorrectable=0,
        pending_page_retirement=False, remapped_rows_pending=False, remapped_rows_failure=False,
        fb_total_mib=81559, bar1_total_mib=131072)


def test_unhealthy_gpu_values():
    gpu = nvidia_smi_xml.parse(fixture("nvidia_smi_xml", "h100_driver535_2gpu.xml")).gpus[1]
    assert gpu.bus_id == "00000000:2B:00.0"
    assert (gpu.volatile_uncorrectable, gpu.remapped_rows_pending, gpu.persistence_mode) == (2, True, "Disabled")


def test_old_driver_without_fabric_and_volta_ecc():
    text = """<?xml version="1.0" ?>
<!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v10.dtd">
<nvidia_smi_log>
\t<driver_version>450.80.02</driver_version>
\t<cuda_version>11.0</cuda_version>
\t<attached_gpus>1</attached_gpus>
\t<gpu id="00000000:AF:00.0">
\t\t<product_name>Tesla V100-SXM2-32GB</product_name>
\t\t<persistence_mode>Enabled</persistence_mode>
\t\t<ecc_errors>
\t\t\t<volatile>
\t\t\t\t<single_bit><device_memory>0</device_memory><total>0</total></single_bit>
\t\t\t\t<double_bit><device_memory>1</device_memory><total>1</total></double_bit>
\t\t\t</volatile>
\t\t</ecc_errors>
\t\t<retired_pages><pending_retirement>Yes</pending_retirement></retired_pages>
\t</gpu>
</nvidia_smi_log>
"""
    gpu = nvidia_smi_xml.parse(text.replace("\n", "\r\n")).gpus[0]
    assert (gpu.fabric_state, gpu.volatile_uncorrectable, gpu.pending_page_retirement) == (None, 1, True)
    assert gpu.remapped_rows_pending is False


def test_truncated_xml_raises_with_line():
    with pytest.raises(ParseError, match=r"line \d+: not well-formed nvidia-smi XML"):
        nvidia_smi_xml.parse(cut(fixture("nvidia_smi_xml", "h100_driver535_2gpu.xml"), 0.7))


def test_gpu_count_mismatch_raises():
    text = fixture("nvidia_smi_xml", "h100_driver535_2gpu.xml").replace("<attached_gpus>2<", "<attached_gpus>8<")
    with pytest.raises(ParseError, match="says 8 but the report holds 2"):
        nvidia_smi_xml.parse(text)


def test_error_text_instead_of_xml():
    with pytest.raises(ParseError, match="line 1: not well-formed"):
        nvidia_smi_xml.parse("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n")


def test_srun_prefixed_report():
    text = fixture("nvidia_smi_xml", "h100_driver535_2gpu.xml")
    prefixed = "".join(f"0: {line}\n" for line in text.split("\n"))
    assert nvidia_smi_xml.parse(prefixed) == nvidia_smi_xml.parse(text)
