import pytest

from bringup.parsers import ParseError, ip_route
from tests.parsers.platform_fixtures import fixture


def test_rail_table():
    (route,) = ip_route.parse(fixture("ip_route", "table.json"))
    assert (route.dst, route.dev, route.prefsrc, route.table) == ("198.19.16.0/24", "enp24s0np0", "198.19.16.11", None)


def test_route_get_from_rail_address():
    (route,) = ip_route.parse(fixture("ip_route", "get_from.json"))
    assert (route.dst, route.source, route.dev, route.table) == ("198.19.16.12", "198.19.16.11", "enp24s0np0", "101")


def test_default_route():
    routes = ip_route.parse(fixture("ip_route", "default_gw.json"))
    assert [(r.dst, r.gateway, r.dev) for r in routes] == [("default", "198.18.0.1", "eno8303"),
                                                           ("198.18.0.0/24", None, "eno8303")]


def test_empty_table():
    assert ip_route.parse("[]\n") == [] and ip_route.parse("") == []


def test_truncated_raises():
    with pytest.raises(ParseError, match="JSON broken at line 1"):
        ip_route.parse('[{"dst":"198.19.16.0/24","dev":"enp2')


def test_real_lab_route_get():
    (route,) = ip_route.parse(fixture("ip_route", "lab_get_from.json"))
    assert (route.dst, route.source, route.dev, route.table) == ("198.18.1.12", "198.18.1.11", "rail1", "101")
