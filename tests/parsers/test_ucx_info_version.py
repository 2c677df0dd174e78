import pytest

from bringup.parsers import ParseError, ucx_info_version
from tests.parsers.platform_fixtures import fixture


def test_ucx_116():
    v = ucx_info_version.parse(fixture("ucx_info", "version_ucx116.txt"))
    assert (v.version, v.revision) == ("1.16.0", "02432d3")
    assert v.configured_with.startswith("--build=x86_64-linux-gnu --prefix=/usr")


def test_ucx_112_old_layout_with_crlf():
    v = ucx_info_version.parse(fixture("ucx_info", "version_ucx112.txt").replace("\n", "\r\n"))
    assert (v.version, v.revision) == ("1.12.1", "dc92435")
    assert "--with-gdrcopy" in v.configured_with


def test_garbled_raises():
    with pytest.raises(ParseError, match="line 1 is not `ucx_info -v` output: 'ucx_info: error while loading shared"):
        ucx_info_version.parse("ucx_info: error while loading shared libraries: libucs.so.0\n")


def test_cut_before_version_raises():
    with pytest.raises(ParseError, match="no `Library version:`"):
        ucx_info_version.parse("# Library path: /usr/lib/libucs.so.0\n")
