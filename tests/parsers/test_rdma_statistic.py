import pytest

from bringup.parsers import ParseError, rdma_statistic
from tests.parsers.platform_fixtures import cut, fixture


def test_hw_counters():
    counters = rdma_statistic.parse(fixture("rdma_statistic", "cx7.json"))["mlx5_0/1"]
    assert (counters["np_cnp_sent"], counters["rp_cnp_handled"], counters["out_of_sequence"]) == (118, 96, 0)
    assert "optional-counters" not in counters and len(counters) == 14


def test_truncated_raises():
    with pytest.raises(ParseError, match="JSON broken at line 1"):
        rdma_statistic.parse(cut(fixture("rdma_statistic", "cx7.json")))


# ---- text forms (issue 13): what users paste, prompt line included

def test_ofed_one_line_per_port():
    found = rdma_statistic.parse(fixture("rdma_statistic", "ofed_text_4ports.txt"))
    assert list(found) == ["mlx5_0/1", "mlx5_1/1", "mlx5_2/1", "mlx5_3/1"]
    port = found["mlx5_0/1"]
    assert (port["out_of_buffer"], port["resp_cqe_error"], port["req_cqe_error"], port["resp_cqe_flush_error"],
            port["req_cqe_flush_error"], port["np_cnp_sent"]) == (135, 1009, 22, 998, 11, 0)
    assert len(port) == 29 and set(found["mlx5_3/1"].values()) == {0}


def test_pretty_form_one_counter_per_line():
    found = rdma_statistic.parse(fixture("rdma_statistic", "pretty_iproute2_5.3.txt"))
    assert list(found) == ["mlx5_0/1"]
    assert len(found["mlx5_0/1"]) == 21 and found["mlx5_0/1"]["np_cnp_sent"] == 0
    assert "out_of_sequence" not in found["mlx5_0/1"]  # iproute2 5.3 on that kernel had no such counter


def test_wrapped_paste_reads_as_the_pretty_form():
    # Same port, same moment, printed both ways in the same mail: the wrap does not change a value.
    assert rdma_statistic.parse(fixture("rdma_statistic", "wrapped_iproute2_5.3.txt")) == \
        rdma_statistic.parse(fixture("rdma_statistic", "pretty_iproute2_5.3.txt"))


def test_crlf_and_trailing_prompt():
    text = fixture("rdma_statistic", "ofed_text_4ports.txt").replace("\n", "\r\n") + "[root@gpu01 ~]# "
    assert rdma_statistic.parse(text)["mlx5_0/1"]["out_of_buffer"] == 135


def test_line_cut_mid_number_raises():
    text = fixture("rdma_statistic", "ofed_text_4ports.txt")
    cut_at = text.index("out_of_buffer 135") + len("out_of_buffer 13")
    with pytest.raises(ParseError, match="output ends mid-line"):
        rdma_statistic.parse(text[:cut_at])


def test_wrapped_paste_cut_after_a_name_raises():
    text = fixture("rdma_statistic", "wrapped_iproute2_5.3.txt")
    with pytest.raises(ParseError, match=r"line 2: counter 'rx_atomic_requests' has no value \(output truncated\?\)"):
        rdma_statistic.parse(text[: text.index("0 out_of_buffer")])


def test_pretty_block_cut_inside_a_field_raises():
    text = fixture("rdma_statistic", "pretty_iproute2_5.3.txt")
    with pytest.raises(ParseError, match=r"line 13: counter 'resp_cqe_' has no value \(output truncated\?\)"):
        rdma_statistic.parse(text[: text.index("\tresp_cqe_error") + len("\tresp_cqe_")])


def test_garbled_value_names_the_line():
    with pytest.raises(ParseError, match=r"line 2: counter out_of_buffer = '1e3' is not a whole number"):
        rdma_statistic.parse("link mlx5_0/1\n\tout_of_buffer 1e3\n")


def test_error_message_is_not_statistics():
    with pytest.raises(ParseError, match=r"line 1 is not `rdma statistic` output .*'Object \"stat\" is unknown"):
        rdma_statistic.parse('Object "stat" is unknown, try "rdma help".\n')
