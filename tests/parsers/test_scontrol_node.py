"""`scontrol show node` in the multi-line form users paste (issue 13); the -o form is tested in test_lab_units."""

import pytest

from bringup.parsers import ParseError, scontrol_node
from tests.parsers.platform_fixtures import fixture


def test_slurm22_down_node_with_reason():
    record = scontrol_node.parse(fixture("scontrol_node", "slurm22_down_reason.txt"))
    assert (record["NodeName"], record["State"], record["Version"]) == ("scc112-cpu3", "DOWN", "22.05.9")
    assert record["Reason"] == "Node unexpectedly rebooted [rocky@2024-09-23T04:54:01]"
    assert record["OS"] == "Linux 6.1.110-1.el9.elrepo.x86_64 #1 SMP PREEMPT_DYNAMIC Thu Sep 12 14:17:14 EDT 2024"
    assert (record["AllocTRES"], record["CfgTRES"], record["Partitions"]) == ("", "cpu=32,mem=122M,billing=32", "CPU")
    assert (record["RealMemory"], record["CPUTot"], record["ExtSensorsTemp"]) == ("122", "32", "n/s")
    assert len(record) == 38
    assert scontrol_node.state_flags(record["State"]) == ("DOWN", set())


def test_slurm23_mixed_node_pasted_with_its_prompt():
    record = scontrol_node.parse(fixture("scontrol_node", "slurm23_mixed_prompt.txt"))
    assert (record["NodeName"], record["State"], record["CPUAlloc"], record["CPUTot"]) == \
        ("b-cn1703", "MIXED", "253", "256")
    assert record["AllocTRES"] == "cpu=253,mem=636548M" and record["ResumeAfterTime"] == "None"
    assert "Reason" not in record


def test_the_one_line_form_of_the_same_record_reads_the_same():
    text = fixture("scontrol_node", "slurm22_down_reason.txt")
    one_line = " ".join(line.strip() for line in text.splitlines()) + "\n"
    assert scontrol_node.parse(one_line) == scontrol_node.parse(text)


def test_all_nodes_crlf_indentation_lost():
    both = fixture("scontrol_node", "slurm22_down_reason.txt") + "\n" + \
        fixture("scontrol_node", "slurm23_mixed_prompt.txt").split("\n", 1)[1]
    pasted = "\r\n".join(line.lstrip() for line in both.split("\n"))
    records = scontrol_node.parse_all(pasted)
    assert {name: r["State"] for name, r in records.items()} == {"scc112-cpu3": "DOWN", "b-cn1703": "MIXED"}
    with pytest.raises(ParseError, match="expected one node record .*got 2: scc112-cpu3, b-cn1703"):
        scontrol_node.parse(pasted)


def test_record_cut_before_its_state_line_raises():
    text = fixture("scontrol_node", "slurm22_down_reason.txt")
    with pytest.raises(ParseError, match=r"line 1: record without NodeName=/State= \(truncated\?\)"):
        scontrol_node.parse(text[: text.index("   State=")])


def test_line_cut_midway_raises():
    text = fixture("scontrol_node", "slurm22_down_reason.txt")
    with pytest.raises(ParseError, match="output ends mid-line"):
        scontrol_node.parse(text[: text.index("rebooted [rocky")])


def test_wrapped_line_inside_a_record_raises():
    text = fixture("scontrol_node", "slurm22_down_reason.txt").replace(" #1 SMP PREEMPT_DYNAMIC", "\n#1 SMP PREEMPT_DYNAMIC")
    with pytest.raises(ParseError, match=r"line 8 is not a Key=value line of `scontrol show node`: '#1 SMP PREEMPT"):
        scontrol_node.parse(text)


def test_error_output_raises():
    with pytest.raises(ParseError, match="line 1 is not a Key=value line .*'Node gpu99 not found'"):
        scontrol_node.parse("Node gpu99 not found\n")
