"""Layer 09: localization of the layer's slow pair benchmarks (bringup/localize/, issue 12): each suspect
re-tested against known-good partners; blames a node, a rail (with its link) or the path of a pair."""

from bringup.localize.suite import localize_item


def test_localize(localize_case, bench, check, record_property):
    localize_item(localize_case, bench, check, record_property)
