import pytest

from bringup.parsers import ParseError, ip_rule
from tests.parsers.platform_fixtures import fixture


def test_rail_rules():
    rules = ip_rule.parse(fixture("ip_rule", "rail_rules.json"))
    assert [(r.priority, r.src, r.srclen, r.table) for r in rules] == [
        (0, "all", None, "local"), (1001, "198.19.16.11", None, "101"), (1002, "198.19.17.0", 24, "102"),
        (32766, "all", None, "main"), (32767, "all", None, "default")]


def test_garbled_raises():
    with pytest.raises(ParseError, match="entry without priority"):
        ip_rule.parse('[{"src":"all","table":"main"}]')


def test_truncated_raises():
    with pytest.raises(ParseError, match="JSON broken at line 1"):
        ip_rule.parse('[{"priority":0,"src":"all","table":"local"},{"prio')


def test_real_lab_rules():
    rules = ip_rule.parse(fixture("ip_rule", "lab_node01.json"))
    assert [(r.priority, r.src, r.table) for r in rules][1:3] == [(1000, "198.18.1.11", "101"), (1001, "198.18.2.11", "102")]


def test_priority_that_is_not_an_integer_raises():
    # Found by tests/parsers/test_fuzz_parsers.py: 1e309 decodes to inf and int(inf) raised OverflowError.
    text = fixture("ip_rule", "rail_rules.json").replace('"priority":0', '"priority":1e309', 1)
    with pytest.raises(ParseError) as raised:
        ip_rule.parse(text)
    assert str(raised.value) == "`ip -j rule` priority is inf, not an integer"
