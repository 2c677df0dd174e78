import pytest

from bringup.parsers import ParseError, registry, tuned_adm
from tests.parsers.platform_fixtures import fixture


def test_active_none_and_daemon_off():
    assert tuned_adm.parse(fixture("tuned_adm", "active.txt")) == tuned_adm.Tuned("throughput-performance", True)
    assert tuned_adm.parse(fixture("tuned_adm", "none.txt")) == tuned_adm.Tuned(None, True)
    off = tuned_adm.parse(fixture("tuned_adm", "daemon_off.txt"))
    assert (off.profile, off.running) == ("throughput-performance", False)


def test_merged_profile_with_post_loaded_one():
    state = tuned_adm.parse(fixture("tuned_adm", "merged_post_loaded.txt").replace("\n", "\r\n"))
    assert state.profiles == ("hpc-compute", "sap-hana") and state.post_loaded == "sap-hana"


def test_garbage_and_truncation_raise():
    with pytest.raises(ParseError, match="line 1 is not `tuned-adm active` output: 'Cannot talk to TuneD daemon"):
        tuned_adm.parse("Cannot talk to TuneD daemon via DBus. Is TuneD daemon running?\n")
    with pytest.raises(ParseError, match="no 'Current active profile'"):  # the preset line was cut off
        tuned_adm.parse(fixture("tuned_adm", "daemon_off.txt").splitlines()[0] + "\n")
    with pytest.raises(ParseError, match="empty or truncated"):
        tuned_adm.parse("")


def test_registered():
    assert registry()["tuned-adm"] is tuned_adm.parse
