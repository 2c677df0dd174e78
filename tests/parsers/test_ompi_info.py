import pytest

from bringup.parsers import ParseError, ompi_info
from tests.parsers.platform_fixtures import fixture


def test_listing_version_fields_components():
    info = ompi_info.parse(fixture("ompi_info", "listing_4_1_5.txt"))
    assert info.version == "4.1.5"
    assert info.fields["MPI API"] == "3.1.0"
    assert info.fields["Prefix"] == "/opt/openmpi"
    assert info.has("pml", "ucx") and info.has("pmix", "pmix3x") and info.has("plm", "slurm")
    assert not info.has("pml", "yalla")
    assert len(info.components) == 94


def test_short_version():
    assert ompi_info.parse(fixture("ompi_info", "version_4_1_5.txt")).version == "4.1.5"


def test_open_mpi_5_listing_with_crlf():
    text = ("                 Package: Open MPI builder Distribution\r\n"
            "                Open MPI: 5.0.3\r\n"
            "                    PMIx: OpenPMIx 4.2.9 (https://github.com/openpmix/openpmix)\r\n"
            "                 MCA pml: ucx (MCA v2.1.0, API v2.1.0, Component v5.0.3)\r\n")
    info = ompi_info.parse(text)
    assert (info.version, info.fields["PMIx"], info.components) == ("5.0.3", "OpenPMIx 4.2.9 (https://github.com/openpmix/openpmix)", [("pml", "ucx")])


def test_cut_component_line_raises():
    with pytest.raises(ParseError, match=r"line 2 is a garbled component line: 'MCA pml: ucx \(MCA v2.1.0, API v2'"):
        ompi_info.parse("                Open MPI: 4.1.5\n                 MCA pml: ucx (MCA v2.1.0, API v2")


def test_no_version_raises():
    with pytest.raises(ParseError, match="no `Open MPI:` field"):
        ompi_info.parse("                 Package: Open MPI root@build Distribution\n")


def test_real_debian_listing():
    info = ompi_info.parse(fixture("ompi_info", "listing_4_1_4_debian_real.txt"))
    assert info.version == "4.1.4"
    assert len(info.components) == 121
    assert info.has("pml", "ucx") and info.has("pmix", "ext3x")
