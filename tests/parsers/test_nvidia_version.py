import pytest

from bringup.parsers import ParseError, nvidia_version
from tests.parsers.platform_fixtures import fixture


def test_open_kernel_module():
    v = nvidia_version.parse(fixture("nvidia_version", "open_535.txt"))
    assert (v.version, v.open_kernel_module, v.arch) == ("535.161.08", True, "x86_64")
    assert v.gcc == "gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)"


def test_proprietary_module_on_arm():
    v = nvidia_version.parse(fixture("nvidia_version", "proprietary_470_aarch64.txt").replace("\n", "\r\n"))
    assert (v.version, v.open_kernel_module, v.arch) == ("470.223.02", False, "aarch64")


def test_cut_version_line_raises():
    with pytest.raises(ParseError, match="line 1: cannot read the driver version from 'NVRM version: NVIDIA UNIX Open Ker'"):
        nvidia_version.parse("NVRM version: NVIDIA UNIX Open Ker")


def test_missing_file_text_raises():
    with pytest.raises(ParseError, match="line 1 is not /proc/driver/nvidia/version content"):
        nvidia_version.parse("cat: /proc/driver/nvidia/version: No such file or directory\n")
