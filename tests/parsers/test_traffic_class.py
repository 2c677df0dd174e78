import pytest

from bringup.parsers import ParseError, traffic_class
from tests.parsers.platform_fixtures import fixture


def test_global_form():
    assert traffic_class.parse(fixture("traffic_class", "global.txt")) == 106


def test_plain_form_and_unset():
    assert traffic_class.parse(fixture("traffic_class", "plain.txt")) == 106
    assert traffic_class.parse("") is None and traffic_class.parse("tclass=-1\n") is None


def test_garbled_raises():
    with pytest.raises(ParseError, match="not a traffic_class value: 'Global tclass='"):
        traffic_class.parse("Global tclass=\n")
