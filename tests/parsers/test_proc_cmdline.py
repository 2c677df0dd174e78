import pytest

from bringup.parsers import ParseError, proc_cmdline
from tests.parsers.platform_fixtures import fixture


def test_ubuntu_iommu_parameters():
    cmd = proc_cmdline.parse(fixture("proc_cmdline", "ubuntu_sr_iov.txt"))
    assert cmd.get("intel_iommu") == "on" and cmd.get("iommu") == "pt"
    assert cmd.has("ro") and cmd.get("ro") is None
    assert cmd.get("pci") == "realloc=off"  # only the first '=' splits
    assert cmd.get("BOOT_IMAGE") == "/vmlinuz-5.15.0-105-generic"
    assert cmd.init_args == []


def test_rhel_quotes_init_args_and_crlf():
    cmd = proc_cmdline.parse(fixture("proc_cmdline", "rhel9_quoted_crlf.txt"))
    assert cmd.get("dyndbg") == "module mlx5_core +p"
    assert cmd.has("iommu", "off") and cmd.has("amd_iommu", "off")
    assert cmd.init_args == ["single"]
    assert "single" not in cmd.params


def test_unbalanced_quote_is_truncation():
    with pytest.raises(ParseError, match="line 1: No closing quotation"):
        proc_cmdline.parse('ro quiet dyndbg="module mlx5_core')


def test_more_than_one_line_is_not_a_cmdline():
    with pytest.raises(ParseError, match="one line; got 2"):
        proc_cmdline.parse("ro quiet\nro quiet\n")
