import pytest

from bringup.parsers import ParseError, ecn_sysfs
from tests.parsers.platform_fixtures import fixture


def test_np_rp_and_cnp():
    ecn = ecn_sysfs.parse(fixture("ecn_sysfs", "enp24s0np0.txt"))
    assert ecn.np_enabled == {p: p == 3 for p in range(8)} and ecn.rp_enabled == {p: p == 3 for p in range(8)}
    assert (ecn.cnp_dscp, ecn.cnp_802p_prio) == (48, 6)


def test_garbled_value_raises():
    with pytest.raises(ParseError, match="roce_np/cnp_dscp: value 'x' is not a number"):
        ecn_sysfs.parse("/sys/class/net/e/ecn/roce_np/enable/3:1\n/sys/class/net/e/ecn/roce_np/cnp_dscp:x\n")


def test_no_enable_files_raises():
    with pytest.raises(ParseError, match="no ecn/roce_np|roce_rp/enable/<prio> lines"):
        ecn_sysfs.parse("/sys/class/net/e/ecn/roce_np/cnp_dscp:48\n")
