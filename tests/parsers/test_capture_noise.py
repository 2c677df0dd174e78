"""Paste noise around a capture (issue 13): bringup.parsers.common.strip_capture and whole_lines(closing=...)."""

import re

import pytest

from bringup.parsers import ParseError, ethtool
from bringup.parsers.common import is_prompt_line, strip_capture, whole_lines


@pytest.mark.parametrize("line", [
    "$ ethtool eth0", "# ethtool -S eth0", "root@node01:~# ethtool eth2", "[root@host ~]# rdma statistic show",
    "b-an01 [~]$ scontrol show node b-cn1703", "sh-5.1# /usr/bin/dcgmi diag --run 3 --fail-early",
    "(base) user@gpu01:/data$ nvidia-smi topo -m", "# /opt/mellanox/iproute2/sbin/rdma statistic show",
    "# sudo lspci -vvv"])
def test_prompt_lines(line):
    assert is_prompt_line(line)


@pytest.mark.parametrize("line", [
    # the first lines of real outputs that start like a root prompt: nccl-tests, nccl.conf, a ruler
    "# nThread 1 nGpus 1 minBytes 8 maxBytes 8589934592", "# /etc/nccl.conf: site defaults", "# ----",
    "#   Rank  0 Group  0 Pid", "NIC statistics:", "\trx_packets: 1", "Settings for eth0:"])
def test_output_lines_are_not_prompts(line):
    assert not is_prompt_line(line)


def test_prompt_before_and_after_the_output_go_and_the_text_ends_with_its_newline():
    pasted = "root@node01:~# ethtool -S eth2\r\nNIC statistics:\r\n     rx_packets: 7\r\nroot@node01:~# "
    assert strip_capture(pasted) == "\nNIC statistics:\n     rx_packets: 7\n"


def test_markdown_fences_go_and_the_outputs_own_blank_lines_stay():
    assert strip_capture("```\n$ lspci -vvv\n00:01.0 Bridge\n\tKernel modules: x\n\n```") == \
        "\n\n00:01.0 Bridge\n\tKernel modules: x\n\n"


def test_a_prompt_like_line_inside_the_output_stays():
    text = "NIC statistics:\n$ ethtool -S eth0\n     rx_packets: 7\n"
    assert strip_capture(text) == text


def test_text_without_noise_is_returned_unchanged_even_without_its_final_newline():
    assert strip_capture("NIC statistics:\n     rx_packets: 7") == "NIC statistics:\n     rx_packets: 7"


@whole_lines(closing=re.compile(r"\+-+\+"))
def _table(text):
    return text.splitlines()


def test_closing_line_without_newline_is_accepted_only_when_whole():
    assert _table("| a | 1 |\n+---+") == ["| a | 1 |", "+---+"]
    with pytest.raises(ParseError, match="output ends mid-line"):
        _table("| a | 1 |\n+--")


def test_ethtool_capture_with_the_prompt_above_it():
    # The shape users paste into tickets: prompt, output, next prompt (veth capture from tests/fixtures/ethtool).
    from tests.parsers.platform_fixtures import fixture
    text = fixture("ethtool", "veth_lab.txt")
    assert ethtool.parse(f"root@node01:~# ethtool enp24s0np0\n{text}root@node01:~# ") == ethtool.parse(text)


# ---- every registered line-oriented parser (common.whole_lines) on its own captures, as pasted

def _pasting_parsers():
    import importlib

    import bringup.parsers as registry
    from tests.parsers.platform_fixtures import FIXTURES
    out = []
    for name in registry._MODULES:
        parse = importlib.import_module(f"bringup.parsers.{name}").parse
        folder = FIXTURES / name
        if getattr(parse, "reads_pastes", False) and folder.is_dir():
            out += [(name, path) for path in sorted(folder.iterdir()) if path.suffix not in (".md", ".py", ".sh")]
    return out


PASTED = _pasting_parsers()


def test_the_generic_paste_check_covers_the_parsers_of_issue_13():
    names = {name for name, _ in PASTED}
    assert {"ethtool", "ethtool_stats", "lspci_vvv", "nvidia_smi_topo", "scontrol_node"} <= names
    assert len(names) >= 40


@pytest.mark.parametrize(("name", "path"), PASTED, ids=[f"{n}-{p.name}" for n, p in PASTED])
def test_prompt_fence_crlf_and_trailing_blank_lines_read_the_same(name, path):
    import importlib
    parse = importlib.import_module(f"bringup.parsers.{name}").parse
    text = path.read_text()
    try:
        bare = parse(text)
    except ParseError:
        pytest.skip("a capture of a failed or cut run: its own test pins the error")
    pasted = "```\n[root@gpu01 ~]# sudo cmd\n" + text.replace("\n", "\r\n") + "\r\n\r\nroot@gpu01:~# \n```"
    assert parse(pasted) == bare
