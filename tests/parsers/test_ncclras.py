"""ncclras status reports: real pastes from NVIDIA/nccl issues (tests/fixtures/ncclras/README.md), the forms NCCL's
src/ras/client_support.cc prints that no public paste shows, and cut reports."""

import pytest

from bringup.parsers import ParseError, ncclras
from bringup.parsers.ncclras import Group, Issue, Process, Rank
from tests.parsers.platform_fixtures import fixture

MISMATCH = fixture("ncclras", "mismatch_2.26.2_4node.txt")
HEALTHY = fixture("ncclras", "healthy_2.26.2_32node.txt")
CUT = fixture("ncclras", "incomplete_2.27.3_cut.txt")

# Built from the format strings of NVIDIA/nccl src/ras/client_support.cc (rasClientRunInit, rasClientRunComms,
# rasClientBreakDownErrors) for the blocks no public paste shows: DEAD, a communicator ERROR, TIMEOUT, ABORT,
# the three-column totals and a plural outlier line; the numbers are this test's own.
SOURCE_FORMS = """\
NCCL version 2.27.3 compiled with CUDA 12.9
CUDA runtime version 12090, driver version 12040

Job summary
===========

  Nodes  Processes         GPUs
          per node  per process
      3          8            1
      1          7            1

  Nodes  Processes         GPUs
(total)    (total)      (total)
      4         31           31

The outlier node:
  Node 10.0.0.4 running processes 4101,4102,4103,4104,4105,4106,4107

Communicators... (2.041s)
=============

Group     Comms     Nodes     Ranks     Ranks     Ranks    Status  Errors
    #  in group  per comm  per node  per comm  in group
    0         1         4       7-8        32        31     ABORT  INCOMPLETE,ERROR

Errors
======

DEAD
  1 job process is considered dead (unreachable via the RAS network)
  Process 4108 on node 10.0.0.4 managing GPU 7

#0-0 (0123456789abcdef) INCOMPLETE
  Missing communicator data from 1 rank
  Rank 31 -- GPU 7 managed by process 4108 on node 10.0.0.4

#0-0 (0123456789abcdef) ERROR
  Asynchronous error on 1 rank
  Rank 3 reported Remote process exited or there was a network error -- GPU 3 managed by process 3004 on node 10.0.0.1

Warnings
========

TIMEOUT
  Encountered 2 communication timeouts while gathering communicator data

"""


def test_mismatch_four_nodes():
    report = ncclras.parse(MISMATCH)
    assert (report.library, report.version, report.compiled_with) == ("NCCL", "2.26.2", "CUDA 12.6")
    assert (report.runtime_version, report.driver_version) == (12060, 12060)
    assert (report.nodes, report.processes, report.gpus, report.outlier_nodes, report.collection_s) == \
        (4, 32, 32, [], 0.0)
    assert report.groups == [Group(0, 1, 4, "8", 32, 32, "RUNNING", ["MISMATCH"])]
    assert report.errors == []
    assert report.warnings == [Issue(
        "MISMATCH", "0-0", "fa93daea854b060b",
        ["Communicator ranks have different AllGather operation counts",
         "30 ranks have launched up to operation 640", "2 ranks have launched up to operation 641",
         "Rank 12 -- GPU 4 managed by process 323032 on node 10.137.190.124",
         "Rank 13 -- GPU 5 managed by process 323033 on node 10.137.190.124"],
        [Rank(12, "4", 323032, "10.137.190.124"), Rank(13, "5", 323033, "10.137.190.124")])]


def test_healthy_256_gpus():
    report = ncclras.parse(HEALTHY)
    assert (report.nodes, report.processes, report.gpus, report.collection_s) == (32, 256, 256, 0.01)
    assert report.groups == [Group(0, 1, 32, "8", 256, 256, "RUNNING", ["OK"])]
    assert (report.errors, report.warnings) == ([], [])


def test_source_forms_dead_error_timeout():
    report = ncclras.parse(SOURCE_FORMS)
    assert (report.nodes, report.processes, report.gpus, report.outlier_nodes) == (4, 31, 31, ["10.0.0.4"])
    assert report.groups[0] == Group(0, 1, 4, "7-8", 32, 31, "ABORT", ["INCOMPLETE", "ERROR"])
    dead, incomplete, error = report.errors
    assert (dead.kind, dead.comm, dead.processes) == ("DEAD", None, [Process(4108, "10.0.0.4", "7")])
    assert (incomplete.kind, incomplete.comm, incomplete.ranks) == ("INCOMPLETE", "0-0", [Rank(31, "7", 4108, "10.0.0.4")])
    assert error.ranks == [Rank(3, "3", 3004, "10.0.0.1")]
    assert report.warnings == [Issue("TIMEOUT", None, None,
                                     ["Encountered 2 communication timeouts while gathering communicator data"])]


def test_rcclras_header():
    """rcclras: RCCL's copy of the client (ROCm/rccl src/ras/client_support.cc, rasClientRunInit) names itself and
    the HIP runtime; the rest of the report is NCCL's. Header lines in that format, numbers this test's own."""
    text = HEALTHY.replace("NCCL version 2.26.2 compiled with CUDA 12.4\nCUDA runtime version 12040, driver version 12040",
                           "RCCL version 2.22.3 compiled with ROCm 6.4.0\n"
                           "HIP runtime version 60443484, amdgpu driver version 60443484")
    report = ncclras.parse(text)
    assert (report.library, report.version, report.compiled_with) == ("RCCL", "2.22.3", "ROCm 6.4.0")
    assert (report.runtime_version, report.driver_version, report.gpus) == (60443484, 60443484, 256)


def test_no_communicator_data():
    text = HEALTHY.replace("Group     Comms     Nodes     Ranks     Ranks     Ranks    Status  Errors\n"
                           "    #  in group  per comm  per node  per comm  in group\n"
                           "    0         1        32         8       256       256   RUNNING      OK\n",
                           "No communicator data collected!\n")
    report = ncclras.parse(text)
    assert (report.groups, report.no_communicators) == ([], True)


def test_paste_cut_before_warnings():
    """NVIDIA/nccl issue 1762's paste, as the index served it: cut inside the Errors section."""
    with pytest.raises(ParseError, match=r"ends before its 'Warnings' section \(cut\?\)"):
        ncclras.parse(CUT)


def test_cut_while_the_collective_runs():
    with pytest.raises(ParseError, match="stops at 'Communicators...': the RAS collective never answered"):
        ncclras.parse(MISMATCH[:MISMATCH.index("Communicators...") + len("Communicators...")] + "\n")


def test_cut_midline():
    with pytest.raises(ParseError, match="ends mid-line"):
        ncclras.parse(MISMATCH[:-12])


def test_not_ncclras():
    with pytest.raises(ParseError, match="no 'NCCL version ... compiled with ...' line"):
        ncclras.parse("NCCL INFO Bootstrap : Using eth0\n")


def test_garbled_group_row():
    with pytest.raises(ParseError, match=r"communicators table: unexpected row '0         1         4         8"):
        ncclras.parse(MISMATCH.replace("RUNNING  MISMATCH", "RUNNING  MISMATCHED"))


def test_crlf_capture_reads_the_same():
    assert ncclras.parse(MISMATCH.replace("\n", "\r\n")) == ncclras.parse(MISMATCH)
