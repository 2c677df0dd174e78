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
    with pytest.raises(ParseError, match=r"line 2: an Xid line without PCI id and Xid number: "
                                         r"'\[ 9\.1\] NVRM: Xid \(PCI:0000:5e'"):
        dmesg.parse("[    0.0] Linux version 5.15.0\n[ 9.1] NVRM: Xid (PCI:0000:5e")


# ---- event classes beyond the Xid, on real public captures (tests/fixtures/dmesg/README.md) ----

def test_ctime_xids_with_meaning_and_peermem_error():
    out = dmesg.parse(fixture("dmesg", "xid_ctime_peermem.txt"))
    assert [(x.pci, x.xid, x.stamp) for x in out.xids] == [("0000:cb:00", 13, "[Fri Aug 30 11:43:09 2024]")] * 3 + [
        ("0000:cb:00", 109, "[Fri Aug 30 11:43:14 2024]")]
    assert out.xids[3].detail == ("pid=1797828, name=pt_main_thread, Ch 00000008, errorString CTX SWITCH TIMEOUT, "
                                  "Info 0x58005")
    assert (out.xids[0].meaning, out.xids[0].cause) == (
        "Graphics Engine Exception (SM exception, usually the application)", "application")
    assert out.xids[3].meaning == "Context Switch Timeout Error"
    assert out.gdr_errors == [dmesg.GdrError("nvidia-peermem", "nv_get_p2p_free_callback:127 ERROR detected invalid "
                                                               "context, skipping further processing")]
    assert out.gdr_errors[0].stamp == "[Fri Aug 30 11:11:22 2024]"


def test_bare_kernel_prefix_xids():
    out = dmesg.parse(fixture("dmesg", "xid_journal_nvlink.txt"))
    assert [(x.pci, x.xid, x.meaning) for x in out.xids] == [
        ("0000:dc:00", 45, "Preemptive cleanup, due to previous errors"),
        ("0000:ed:00", 45, "Preemptive cleanup, due to previous errors"),
        ("0000:ba:00", 45, "Preemptive cleanup, due to previous errors")]
    assert out.xids[0].detail == "pid=1818990, name=python3, Ch 00000001 caused by previous Xid 149"


def test_xid_meanings_cover_the_catalogue_numbers_the_checks_quote():
    table = dmesg.xid_meanings()
    assert {13, 31, 43, 45, 48, 61, 62, 63, 64, 74, 79, 92, 94, 95, 119, 120} <= set(table)
    assert table[79]["meaning"] == "GPU has fallen off the bus" and table[48]["cause"] == "hardware"
    assert dmesg.Xid("0000:01:00", 9999, "").meaning == "not in NVIDIA's Xid catalogue (bringup/xid_meanings.yml)"


def test_fallen_off_the_bus_multiline_without_xid():
    out = dmesg.parse(fixture("dmesg", "fallen_off_multiline.txt"))
    assert out.xids == []
    assert out.fallen_off == [dmesg.FallenOffBus("0000:b3:00.0", "10de:26b5")]


def test_fallen_off_the_bus_journal_beside_its_xid_79():
    out = dmesg.parse(fixture("dmesg", "fallen_off_journal.txt"))
    assert [(x.pci, x.xid, x.stamp) for x in out.xids] == [("0000:2b:00", 79, "May 18 19:02:39 kernel:")]
    assert out.fallen_off == [dmesg.FallenOffBus("0000:2b:00.0", None)]


def test_fallen_off_the_bus_old_driver_form():
    out = dmesg.parse(fixture("dmesg", "fallen_off_old_driver.txt"))
    assert out.fallen_off == [dmesg.FallenOffBus("0000:01:00.0", None)] * 2
    assert out.fallen_off[1].stamp == "[   49.261472]"


def test_peermem_unknown_symbols():
    out = dmesg.parse(fixture("dmesg", "peermem_unknown_symbol.txt"))
    assert [(e.module, e.message) for e in out.gdr_errors] == [
        ("nvidia_peermem", "disagrees about version of symbol ib_register_peer_memory_client"),
        ("nvidia_peermem", "Unknown symbol ib_register_peer_memory_client (err -22)"),
        ("nvidia_peermem", "disagrees about version of symbol ib_unregister_peer_memory_client"),
        ("nvidia_peermem", "Unknown symbol ib_unregister_peer_memory_client (err -22)")]


def test_peermem_load_and_taint_notices_are_not_errors():
    out = dmesg.parse("[   20.1] nvidia_peermem: module verification failed: signature and/or required key missing - "
                      "tainting kernel\n[   20.2] nvidia-peermem: loading out-of-tree module taints kernel.\n")
    assert out.gdr_errors == []


def test_aer_uncorrected_fatal_with_relative_stamps():
    out = dmesg.parse(fixture("dmesg", "aer_fatal_nvidia_reltime.txt"))
    assert out.aer == [dmesg.AerError("0000:00:03.0", "pcieport", "Uncorrected (Fatal)", "Transaction Layer",
                                      "(Requester ID)", "8086:6f08", ("SDES", "CmpltTO"))]
    assert out.aer[0].corrected is False and out.aer[0].stamp == "[  +0.000004]"


def test_aer_corrected_on_the_endpoint():
    out = dmesg.parse(fixture("dmesg", "aer_corrected_endpoint.txt"))
    assert out.aer == [
        dmesg.AerError("0000:2d:00.0", "ath9k", "Corrected", "Physical Layer", "(Receiver ID)", "168c:0034",
                       ("RxErr",)),
        dmesg.AerError("0000:2d:00.0", "ath9k", "Corrected", "Physical Layer", "(Receiver ID)", "168c:0034", ())]
    assert all(e.corrected for e in out.aer)


def test_aer_journal_with_aer_prefix_on_every_line():
    out = dmesg.parse(fixture("dmesg", "aer_journal_aer_prefix.txt"))
    assert out.aer == [dmesg.AerError("0000:00:1c.5", "pcieport", "Corrected", "Physical Layer", "(Receiver ID)",
                                      "8086:9d15", ("RxErr",))]
    assert out.aer[0].stamp == "фев 12 00:48:02 kernel:"


def test_pcie_bandwidth_limited_by_upstream_link():
    out = dmesg.parse(fixture("dmesg", "link_limited.txt"))
    assert out.link_limited == [dmesg.LinkLimited("0000:01:00.0", "pci", 7.876, "8.0 GT/s", 1, "0000:00:00.0",
                                                  126.016, "8.0 GT/s", 16)]


def test_full_pcie_bandwidth_line_is_not_an_event():
    out = dmesg.parse("[   12.902710] mlx5_core 0000:18:00.0: 504.112 Gb/s available PCIe bandwidth "
                      "(32.0 GT/s PCIe x16 link)\n")
    assert out.link_limited == []


def test_nvswitch_sxids_with_their_severity_and_data_lines():
    out = dmesg.parse(fixture("dmesg", "sxid_nvswitch.txt"))
    assert [(s.switch, s.bdf, s.sxid, s.detail, len(s.extra), s.fatal) for s in out.sxids] == [
        ("nvidia-nvswitch1", "0000:02:00.0", 22013, "Non-fatal, Link 00 Minion Link DLREQ interrupt", 2, False),
        ("nvidia-nvswitch1", "0000:02:00.0", 22013, "Non-fatal, Link 01 Minion Link DLREQ interrupt", 1, False)]
    assert out.sxids[0].extra[0] == "Severity 0 Engine instance 00 Sub-engine instance 00"


def test_sxid_with_iso_time_and_facility():
    out = dmesg.parse(fixture("dmesg", "sxid_iso.txt"))
    assert [(s.bdf, s.sxid, s.stamp) for s in out.sxids] == [
        ("0000:84:00.0", 12028, "kern  :err   : 2025-01-25T10:34:54,859532+00:00")]


@pytest.mark.parametrize("line, what", [
    ("[ 1.0] pcieport 0000:00:03.0: PCIe Bus Error: severity=Uncorr", "a PCIe Bus Error line without device"),
    ("[ 1.0] pci 0000:01:00.0: 7.876 Gb/s available PCIe bandwidth, limited by 8.0 GT/s PCIe x1 li",
     "a PCIe bandwidth line without device, link and capability"),
    ("[ 1.0] nvidia-nvswitch1: SXid (PCI:0000:02:0", "an SXid line without NVSwitch PCI id and SXid number"),
])
def test_cut_event_lines_raise(line, what):
    with pytest.raises(ParseError, match=rf"line 1: {what}"):
        dmesg.parse(line + "\n")


def test_healthy_scenario_capture_has_no_events():
    from tests.scenario_tools import SCENARIOS

    out = dmesg.parse((SCENARIOS / "h100" / "captures" / "common" / "dmesg-xid.out").read_text())
    assert (out.xids, out.fallen_off, out.gdr_errors, out.aer, out.link_limited, out.sxids) == ([], [], [], [], [], [])
    assert out.iommu_enabled is True
