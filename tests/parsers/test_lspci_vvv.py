import pytest

from bringup.parsers import ParseError, lspci_vvv
from tests.parsers.platform_fixtures import fixture


def test_endpoint_link_mrrs_numa_driver():
    functions = lspci_vvv.parse(fixture("lspci_vvv", "hgx_h100_switch.txt"))
    assert list(functions) == ["0000:16:00.0", "0000:17:00.0", "0000:17:01.0", "0000:18:00.0", "0000:19:00.0"]
    nic = functions["0000:18:00.0"]
    assert nic.port_type == "Endpoint"
    assert nic.link_cap == lspci_vvv.Link(32.0, 16, False)
    assert nic.link_sta == lspci_vvv.Link(32.0, 16, False)
    assert (nic.max_payload, nic.max_read_req, nic.numa_node, nic.driver) == (256, 4096, 0, "mlx5_core")
    assert not nic.link_downgraded
    assert functions["0000:19:00.0"].driver == "nvidia"
    assert functions["0000:19:00.0"].max_read_req == 512


def test_switch_ports_bus_ranges_and_acs():
    functions = lspci_vvv.parse(fixture("lspci_vvv", "hgx_h100_switch.txt"))
    up, down_nic = functions["0000:16:00.0"], functions["0000:17:00.0"]
    assert (up.port_type, up.bus_range, up.acs_ctl) == ("Upstream Port", (0x17, 0x19), None)
    assert down_nic.port_type == "Downstream Port" and down_nic.bus_range == (0x18, 0x18)
    assert down_nic.acs_ctl == {f: False for f in ("SrcValid", "TransBlk", "ReqRedir", "CmpltRedir", "UpstreamFwd",
                                                   "EgressCtrl", "DirectTrans")}
    above = lspci_vvv.downstream_ports_above(functions, "18:00.0")
    assert [p.slot for p in above] == ["0000:17:00.0"]
    assert [p.slot for p in lspci_vvv.downstream_ports_above(functions, "0000:19:00.0")] == ["0000:17:01.0"]


def test_downgraded_mark_and_acs_flags():
    text = fixture("lspci_vvv", "hgx_h100_switch.txt")
    text = text.replace("LnkSta:\tSpeed 32GT/s (ok), Width x16 (ok)\n\t\t\tTrErr- Train- SlotClk+ DLActive- BWMgmt-",
                        "LnkSta:\tSpeed 16GT/s (downgraded), Width x16 (ok)\n\t\t\tTrErr- Train- SlotClk+ DLActive- BWMgmt-", 1)
    text = text.replace("ACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir-", "ACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+", 1)
    functions = lspci_vvv.parse(text)
    nic = functions["0000:18:00.0"]
    assert nic.link_sta == lspci_vvv.Link(16.0, 16, True) and nic.link_downgraded
    acs = functions["0000:17:00.0"].acs_ctl
    assert [k for k, v in acs.items() if v] == ["SrcValid", "ReqRedir", "CmpltRedir"]


def test_old_pciutils_without_marks_and_access_denied():
    functions = lspci_vvv.parse(fixture("lspci_vvv", "legacy_pciutils_3_5.txt"))
    cx6 = functions["0000:3b:00.0"]
    assert cx6.link_cap == lspci_vvv.Link(16.0, 16, False)
    assert cx6.link_sta == lspci_vvv.Link(8.0, 8, False)
    assert cx6.link_downgraded  # below LnkCap, even without the "(downgraded)" mark
    assert cx6.max_read_req == 512
    gpu = functions["0000:af:00.0"]
    assert gpu.access_denied and gpu.link_sta is None and gpu.numa_node == 1


def test_crlf_gives_the_same_result():
    text = fixture("lspci_vvv", "hgx_h100_switch.txt")
    assert lspci_vvv.parse(text.replace("\n", "\r\n")) == lspci_vvv.parse(text)


def test_normalise_slot():
    assert lspci_vvv.normalise_slot("00000000:5E:00.0") == "0000:5e:00.0"
    assert lspci_vvv.normalise_slot("5e:00.0") == "0000:5e:00.0"


def test_truncated_output_raises_naming_the_device():
    text = fixture("lspci_vvv", "hgx_h100_switch.txt")
    cut_at = text.index("\t\tLnkSta:", text.index("0000:18:00.0"))
    with pytest.raises(ParseError, match="0000:18:00.0"):
        lspci_vvv.parse(text[:cut_at])


def test_cut_field_raises_with_the_line():
    text = fixture("lspci_vvv", "hgx_h100_switch.txt").replace("LnkSta:\tSpeed 32GT/s (ok), Width x16 (ok)",
                                                               "LnkSta:\tSpeed 32G", 1)
    with pytest.raises(ParseError, match=r"line \d+: cannot read speed and width from 'LnkSta:\\tSpeed 32G'"):
        lspci_vvv.parse(text)


def test_garbage_line_raises():
    with pytest.raises(ParseError, match="not the start of an `lspci -vvv` block: 'pcilib: Cannot open /proc/bus/pci'"):
        lspci_vvv.parse("pcilib: Cannot open /proc/bus/pci\n\n")


def test_real_virtio_microvm_without_pcie_capabilities():
    functions = lspci_vvv.parse(fixture("lspci_vvv", "virtio_microvm_real.txt"))
    assert list(functions)[:2] == ["0000:00:00.0", "0000:00:01.0"]
    assert len(functions) == 6
    assert functions["0000:00:01.0"].driver == "virtio-pci"
    assert all(f.port_type is None and f.link_sta is None for f in functions.values())


def test_no_pci_functions_is_an_empty_result():
    assert lspci_vvv.parse("") == {}


def test_numa_node_that_is_not_a_number_names_the_line():
    # Found by tests/parsers/test_fuzz_parsers.py: `NUMA node: ` (cut) or `NUMA node: ²0` raised a bare ValueError.
    text = fixture("lspci_vvv", "legacy_pciutils_3_5.txt")
    with pytest.raises(ParseError) as raised:
        lspci_vvv.parse(text.replace("NUMA node: 0", "NUMA node: ²0", 1))
    assert str(raised.value) == "line 7: NUMA node is not a number: 'NUMA node: ²0'"


# ---- pasted captures (issue 13)

def test_real_bluefield2_paste_without_the_final_blank_line():
    # Prompt line above, Markdown fence below, no blank line after the block: as it was pasted.
    functions = lspci_vvv.parse(fixture("lspci_vvv", "bluefield2_pasted_no_blank.txt"))
    assert list(functions) == ["0000:01:00.0"]
    nic = functions["0000:01:00.0"]
    assert nic.description.startswith("Ethernet controller: Mellanox Technologies MT42822 BlueField-2")
    assert (nic.port_type, nic.link_cap, nic.link_sta) == \
        ("Endpoint", lspci_vvv.Link(16.0, 16, False), lspci_vvv.Link(16.0, 16, False))
    assert (nic.max_payload, nic.max_read_req, nic.numa_node, nic.driver) == (512, 512, 0, "mlx5_core")
    assert nic.acs_ctl == {"SrcValid": False, "TransBlk": False, "ReqRedir": False, "CmpltRedir": False,
                           "UpstreamFwd": False, "EgressCtrl": False, "DirectTrans": False}


def test_paste_with_its_indentation_lost_reads_the_same():
    text = fixture("lspci_vvv", "bluefield2_pasted_no_blank.txt")
    flat = "\n".join(line.lstrip() for line in text.split("\n"))
    assert lspci_vvv.parse(flat) == lspci_vvv.parse(text)


def test_multi_block_output_without_the_final_blank_line():
    text = fixture("lspci_vvv", "hgx_h100_switch.txt")
    assert lspci_vvv.parse(text.rstrip("\n") + "\n") == lspci_vvv.parse(text)


def test_paste_cut_inside_a_block_without_blank_line_raises():
    text = fixture("lspci_vvv", "bluefield2_pasted_no_blank.txt")
    with pytest.raises(ParseError, match=r"output ends inside the block of 0000:01:00.0 \(truncated\?\): "
                                         r"last line 'Capabilities: \[420 v1\] Data Link Feature <\?>'"):
        lspci_vvv.parse(text[: text.index("\tKernel driver in use")])


def test_paste_cut_inside_the_last_field_raises():
    text = fixture("lspci_vvv", "bluefield2_pasted_no_blank.txt")
    with pytest.raises(ParseError, match="output ends mid-line"):
        lspci_vvv.parse(text[: text.index("mlx5_core\n```")] + "mlx5_co")
