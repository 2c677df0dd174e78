import pytest

from bringup.parsers import ParseError, dmesg
from tests.parsers.platform_fixtures import fixture


def test_intel_passthrough_and_xids():
    out = dmesg.parse(fixture("dmesg", "intel_passthrough_xid.txt"))
    assert out.iommu_enabled is True
    assert out.default_domain == "Passthrough"
    assert not any("Command line" in line for line in out.iommu_lines)  # cmdline echoes are not evidence
    assert out.xids == [
        dmesg.Xid("0000:5e:00", 119, "pid=20931, name=python3, Timeout after 6s of waiting for RPC response from "
                                     "GPU3 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20801348 0x4)."),
        dmesg.Xid("0000:9b:00", 79, "pid='<unknown>', name=<unknown>, GPU has fallen off the bus."),
    ]
    assert out.xids[0].bus == 0x5E


def test_amd_translated_from_journal_with_crlf():
    out = dmesg.parse(fixture("dmesg", "amd_translated_journal.txt"))
    assert (out.iommu_enabled, out.default_domain, out.xids) == (True, "Translated", [])


def test_iommu_disabled():
    out = dmesg.parse("[    0.000000] DMAR: IOMMU disabled\n[    0.1] DMAR: Host address width 46\n")
    assert out.iommu_enabled is False and out.default_domain is None


def test_no_iommu_lines_leaves_state_unknown():
    out = dmesg.parse("[    0.000000] Linux version 5.15.0\n")
    assert (out.iommu_enabled, out.default_domain, out.iommu_lines) == (None, None, [])


def test_cut_xid_line_raises():
    with pytest.raises(ParseError, match=r"line 2: an Xid line without PCI id and Xid number: '\[ 9\.1\] NVRM: Xid \(PCI:0000:5e'"):
        dmesg.parse("[    0.0] Linux version 5.15.0\n[ 9.1] NVRM: Xid (PCI:0000:5e")
