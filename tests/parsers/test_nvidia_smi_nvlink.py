import pytest

from bringup.parsers import ParseError, nvidia_smi_nvlink
from tests.parsers.platform_fixtures import fixture


def test_eighteen_links_per_h100_and_one_inactive():
    gpus = nvidia_smi_nvlink.parse(fixture("nvidia_smi_nvlink", "h100_8gpu.txt"))
    assert sorted(gpus) == list(range(8))
    assert gpus[0].name == "NVIDIA H100 80GB HBM3"
    assert gpus[0].links == {link: 26.562 for link in range(18)}
    assert gpus[0].inactive == []
    assert gpus[5].inactive == [1] and len(gpus[5].links) == 18


def test_gpu_without_nvlink_has_no_links():
    gpus = nvidia_smi_nvlink.parse("GPU 0: NVIDIA H100 PCIe (UUID: GPU-0a1b2c3d-1111-2222-3333-444455556666)\r\n")
    assert gpus[0].links == {}


def test_garbled_line_raises():
    text = fixture("nvidia_smi_nvlink", "h100_8gpu.txt").replace("Link 4: 26.562 GB/s", "Link 4: 26.5", 1)
    with pytest.raises(ParseError, match=r"line 6 is not `nvidia-smi nvlink -s` output: 'Link 4: 26.5'"):
        nvidia_smi_nvlink.parse(text)


def test_empty_output_is_no_nvlink():
    # driver 580 prints nothing when no GPU exposes NVLink (tests/fixtures/recorded_h100/nvidia-smi-nvlink-s.out)
    assert nvidia_smi_nvlink.parse("\n") == {}


def test_link_without_gpu_line_raises():
    with pytest.raises(ParseError, match=r"line 1 is not `nvidia-smi nvlink -s` output: 'Link 0: 26.562 GB/s'"):
        nvidia_smi_nvlink.parse("\t Link 0: 26.562 GB/s\n")


def test_malformed_link_speed_names_the_line():
    # Found by tests/parsers/test_fuzz_parsers.py: `[\d.]+` let 26.5.62 through to float(), a bare ValueError.
    text = fixture("nvidia_smi_nvlink", "h100_8gpu.txt").replace("26.562 GB/s", "26.5.62 GB/s", 1)
    with pytest.raises(ParseError) as raised:
        nvidia_smi_nvlink.parse(text)
    assert str(raised.value) == "line 2 is not `nvidia-smi nvlink -s` output: 'Link 0: 26.5.62 GB/s'"
