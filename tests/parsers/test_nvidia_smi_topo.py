import pytest

from bringup.parsers import ParseError, nvidia_smi_topo
from tests.parsers.platform_fixtures import fixture


def test_h100_matrix_with_nic_legend():
    topo = nvidia_smi_topo.parse(fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt"))
    assert topo.devices[:9] == ["GPU0", "GPU1", "GPU2", "GPU3", "GPU4", "GPU5", "GPU6", "GPU7", "mlx5_0"]
    assert topo.devices[-1] == "mlx5_9"
    assert topo.gpus == [f"GPU{i}" for i in range(8)]
    assert topo.link("GPU0", "mlx5_0") == "PIX"
    assert topo.link("GPU0", "mlx5_1") == "NODE"
    assert topo.link("GPU0", "mlx5_4") == "SYS"
    assert topo.link("GPU0", "GPU7") == "NV18"
    assert topo.link("mlx5_8", "mlx5_9") == "PIX"
    assert topo.link("GPU3", "GPU3") == "X"
    assert topo.cpu_affinity["GPU5"] == "56-111,168-223"
    assert topo.numa_affinity["GPU5"] == "1"


def test_old_layout_names_nic_columns_by_device():
    topo = nvidia_smi_topo.parse(fixture("nvidia_smi_topo", "driver450_device_columns.txt"))
    assert topo.devices == ["GPU0", "GPU1", "mlx5_0", "mlx5_1"]
    assert topo.link("GPU1", "mlx5_1") == "PXB" and topo.link("GPU0", "mlx5_1") == "SYS"
    assert topo.numa_affinity == {"GPU0": "0", "GPU1": "1"}


def test_crlf_and_srun_prefix():
    text = fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt")
    noisy = "".join(f"0: {line}\r\n" for line in text.split("\n"))
    assert nvidia_smi_topo.parse(noisy).link("GPU6", "mlx5_6") == "PIX"


def test_unknown_pair_names_devices():
    topo = nvidia_smi_topo.parse(fixture("nvidia_smi_topo", "driver450_device_columns.txt"))
    with pytest.raises(KeyError, match="mlx5_7"):
        topo.link("GPU0", "mlx5_7")


def test_truncated_matrix_raises():
    text = fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt")
    with pytest.raises(ParseError, match=r"matrix rows missing for GPU6, GPU7, NIC0.*\(truncated output\?\)"):
        nvidia_smi_topo.parse(text[: text.index("\nGPU6\t")])


def test_truncated_before_nic_legend_raises():
    text = fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt")
    with pytest.raises(ParseError, match="NIC columns but no `NIC Legend:` section"):
        nvidia_smi_topo.parse(text[: text.index("NIC Legend:")])


def test_short_row_raises_with_line():
    text = fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt")
    row = next(line for line in text.split("\n") if line.startswith("GPU4\t"))
    with pytest.raises(ParseError, match=r"line 6 is not a matrix row over 18 devices"):
        nvidia_smi_topo.parse(text.replace(row, row[:30]))


def test_no_matrix_raises():
    with pytest.raises(ParseError, match="no matrix header"):
        nvidia_smi_topo.parse("Failed to initialize NVML: Driver/library version mismatch\n")


def test_nic_legend_cut_between_lines_raises():
    # Found by tests/parsers/test_fuzz_parsers.py: a legend cut after NIC0 left the other nine columns named NIC1..NIC9.
    text = fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt")
    with pytest.raises(ParseError) as raised:
        nvidia_smi_topo.parse(text[: text.index("  NIC1: mlx5_1")])
    assert str(raised.value) == ("`NIC Legend:` does not name NIC1, NIC2, NIC3, NIC4, NIC5, NIC6, NIC7, NIC8, NIC9 "
                                 "(truncated output?)")


# ---- pasted captures (issue 13): tabs turned into spaces, indentation lost, no final newline

def test_real_two_gpu_paste():
    topo = nvidia_smi_topo.parse(fixture("nvidia_smi_topo", "rtx5090_2gpu_pasted.txt"))
    assert topo.devices == ["GPU0", "GPU1"]
    assert topo.links == {("GPU0", "GPU0"): "X", ("GPU0", "GPU1"): "PHB", ("GPU1", "GPU0"): "PHB",
                          ("GPU1", "GPU1"): "X"}
    assert (topo.cpu_affinity, topo.numa_affinity) == ({"GPU0": "0-63", "GPU1": "0-63"}, {"GPU0": "0", "GPU1": "0"})


@pytest.mark.parametrize("name", ["rtx5090_2gpu_pasted.txt", "hgx_h100_8gpu_10nic.txt",
                                  "driver450_device_columns.txt"])
def test_tabs_expanded_by_a_terminal_copy_read_the_same(name):
    text = fixture("nvidia_smi_topo", name)
    spaced = text.expandtabs(8)
    assert "\t" not in spaced
    assert nvidia_smi_topo.parse(spaced) == nvidia_smi_topo.parse(text)


def test_expanded_h100_rows_have_cells_one_space_apart():
    # 8-column stops leave one space after a 7-character cell: `56-111,168-223` (14) is followed by two, and
    # the header's `NUMA Affinity` (13) by three; split on any whitespace, never on two spaces or more.
    spaced = fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt").expandtabs(8)
    assert "56-111,168-223  1" in spaced
    topo = nvidia_smi_topo.parse(spaced)
    assert (topo.cpu_affinity["GPU5"], topo.numa_affinity["GPU5"], topo.link("GPU0", "mlx5_0")) == \
        ("56-111,168-223", "1", "PIX")


def test_indentation_lost_and_no_final_newline():
    text = fixture("nvidia_smi_topo", "rtx5090_2gpu_pasted.txt").replace("\n```\n", "")
    flat = "\n".join(line.lstrip() for line in text.expandtabs(8).split("\n"))
    assert flat.endswith("NVLinks") and flat.startswith("GPU0")
    assert nvidia_smi_topo.parse(flat) == nvidia_smi_topo.parse(text)


def test_legend_cut_mid_line_without_newline_raises():
    text = fixture("nvidia_smi_topo", "rtx5090_2gpu_pasted.txt")
    with pytest.raises(ParseError, match="output ends mid-line"):
        nvidia_smi_topo.parse(text[: text.index(" NVLinks")])


def test_spaced_row_cut_raises():
    spaced = fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt").expandtabs(8)
    row = next(line for line in spaced.split("\n") if line.startswith("GPU4 "))
    with pytest.raises(ParseError, match=r"line 6 is not a matrix row over 18 devices: 'GPU4    NV18    NV18    NV18    NV18'"):
        nvidia_smi_topo.parse(spaced.replace(row, row[:40]))


def test_spaced_table_cut_before_its_nic_rows_raises():
    spaced = fixture("nvidia_smi_topo", "hgx_h100_8gpu_10nic.txt").expandtabs(8)
    with pytest.raises(ParseError, match=r"matrix rows missing for NIC0, NIC1, .*NIC9 \(truncated output\?\)"):
        nvidia_smi_topo.parse(spaced[: spaced.index("\nNIC0 ") + 1])
