import pytest

from bringup.parsers import ParseError, devlink_eswitch
from tests.parsers.platform_fixtures import fixture


def test_legacy():
    assert devlink_eswitch.parse(fixture("devlink_eswitch", "legacy.json")) == {"pci/0000:18:00.0": "legacy"}


def test_garbled_raises():
    with pytest.raises(ParseError, match="pci/0000:18:00.0: no eswitch mode"):
        devlink_eswitch.parse('{"dev":{"pci/0000:18:00.0":{"inline-mode":"none"}}}')


def test_truncated_raises():
    with pytest.raises(ParseError, match="JSON broken at line 1"):
        devlink_eswitch.parse('{"dev":{"pci/0000:18:00.0":{"mo')
