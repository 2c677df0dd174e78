"""bringup/kernel_events.py: each dmesg event class judged on the real captures of tests/fixtures/dmesg/."""

from bringup import kernel_events
from bringup.parsers import dmesg
from tests.parsers.platform_fixtures import fixture
from tests.scenario_tools import SCENARIOS

HEALTHY = dmesg.parse((SCENARIOS / "h100" / "captures" / "common" / "dmesg-xid.out").read_text())


def _log(name):
    return dmesg.parse(fixture("dmesg", name))


def test_healthy_capture_has_no_problem_in_any_class():
    assert {kind: kernel_events.problems(HEALTHY, kind) for kind in kernel_events.CLASSES} == {
        kind: [] for kind in kernel_events.CLASSES}


def test_xid_names_number_meaning_and_gpu():
    devices = kernel_events.Devices({0xCB: "GPU 5"})
    assert kernel_events.problems(_log("xid_ctime_peermem.txt"), "xid", devices)[3] == (
        "Xid 109 (Context Switch Timeout Error) on GPU 5 (0000:cb:00): pid=1797828, name=pt_main_thread, "
        "Ch 00000008, errorString CTX SWITCH TIMEOUT, Info 0x58005")


def test_xid_ignore_leaves_listed_numbers_out():
    limits = kernel_events.limits_from({"xid_ignore": [13], "aer_corrected_max": 0})
    assert [m.split(" (")[0] for m in kernel_events.problems(_log("xid_ctime_peermem.txt"), "xid", None, limits)] == [
        "Xid 109"]


def test_fallen_off_once_per_gpu():
    assert kernel_events.problems(_log("fallen_off_old_driver.txt"), "fallen_off") == [
        "0000:01:00.0 has fallen off the bus without an Xid: the GPU no longer answers on PCIe (reseat/power/board "
        "fault; NVIDIA Xid 79)"]
    assert kernel_events.problems(_log("fallen_off_multiline.txt"), "fallen_off")[0].startswith(
        "0000:b3:00.0, PCI ID 10de:26b5 has fallen off the bus")


def test_gdr_errors_name_the_module():
    assert kernel_events.problems(_log("peermem_unknown_symbol.txt"), "gdr")[1] == (
        "nvidia_peermem: Unknown symbol ib_register_peer_memory_client (err -22) (the GPUDirect RDMA kernel path is "
        "broken: NIC access to GPU memory fails)")


def test_aer_uncorrected_always_fails_corrected_above_the_policy_count():
    assert kernel_events.problems(_log("aer_fatal_nvidia_reltime.txt"), "aer") == [
        "PCIe AER Uncorrected (Fatal) Transaction Layer error on 0000:00:03.0 (pcieport): SDES, CmpltTO (the link "
        "lost data the device could not recover)"]
    corrected = _log("aer_corrected_endpoint.txt")
    devices = kernel_events.Devices(by_bdf={"0000:2d:00.0": "rail3 (wlan)"})
    assert kernel_events.problems(corrected, "aer", devices) == [
        "PCIe AER 2 corrected Physical Layer error(s) on rail3 (wlan) (0000:2d:00.0) (ath9k): RxErr (link retries; "
        "more than 0 allowed by policy aer_corrected_max)"]
    assert kernel_events.problems(corrected, "aer", devices, kernel_events.Limits(aer_corrected_max=2)) == []


def test_link_limited_names_both_links():
    assert kernel_events.problems(_log("link_limited.txt"), "link_limited") == [
        "0000:01:00.0 has 7.876 Gb/s of PCIe bandwidth, limited by a 8.0 GT/s x1 link at 0000:00:00.0 (capable of "
        "126.016 Gb/s with 8.0 GT/s x16: a slot, riser or port trained below the device)"]


def test_sxid_names_switch_and_detail():
    assert kernel_events.problems(_log("sxid_nvswitch.txt"), "sxid") == [
        "SXid 22013 on NVSwitch 0000:02:00.0 (nvidia-nvswitch1): Non-fatal, Link 00 Minion Link DLREQ interrupt",
        "SXid 22013 on NVSwitch 0000:02:00.0 (nvidia-nvswitch1): Non-fatal, Link 01 Minion Link DLREQ interrupt"]
