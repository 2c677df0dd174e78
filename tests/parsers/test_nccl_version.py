import pytest

from bringup.parsers import ParseError, nccl_version
from tests.parsers.platform_fixtures import fixture


def test_strings_output():
    v = nccl_version.parse(fixture("nccl_version", "strings_libnccl.txt"))
    assert (v.version, v.cuda, v.as_tuple) == ("2.18.3", "12.2", (2, 18, 3))


def test_banner_inside_a_job_log():
    assert nccl_version.parse(fixture("nccl_version", "job_log.txt")) == nccl_version.NcclVersion("2.21.5", "12.4")


def test_no_version_raises_with_first_line():
    with pytest.raises(ParseError, match="no `NCCL version x.y.z` line; first line: 'NCCL version %s'"):
        nccl_version.parse("NCCL version %s\n")
