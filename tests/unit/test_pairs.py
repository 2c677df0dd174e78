"""bringup.pairs.rail_peers: the per-rail ring of ping partners (a pure function of the inventory)."""

import ipaddress
from types import SimpleNamespace

from bringup.pairs import rail_peers


def _node(name, *rails):
    return SimpleNamespace(name=name, rails=tuple(
        SimpleNamespace(name=r, address=ipaddress.IPv4Interface(a) if a else None) for r, a in rails))


def test_ring_per_rail():
    nodes = [_node("n1", ("rail0", "198.19.16.11/24"), ("rail1", "198.19.17.11/24")),
             _node("n2", ("rail0", "198.19.16.12/24"), ("rail1", "198.19.17.12/24")),
             _node("n3", ("rail0", "198.19.16.13/24"))]
    assert rail_peers(nodes) == {
        "n1": {"rail0": ("n2", "198.19.16.12"), "rail1": ("n2", "198.19.17.12")},
        "n2": {"rail0": ("n3", "198.19.16.13"), "rail1": ("n1", "198.19.17.11")},
        "n3": {"rail0": ("n1", "198.19.16.11")}}


def test_every_node_sends_and_answers_once_per_rail():
    nodes = [_node(f"n{i}", ("rail0", f"198.19.16.{10 + i}/24")) for i in range(1, 6)]
    peers = rail_peers(nodes)
    targets = sorted(p["rail0"][0] for p in peers.values())
    assert targets == sorted(n.name for n in nodes) and all(p["rail0"][0] != n for n, p in peers.items())


def test_lonely_rail_and_addressless_rail_get_no_peer():
    nodes = [_node("n1", ("rail0", "198.19.16.11/24"), ("rail9", "198.19.99.11/24")),
             _node("n2", ("rail0", None))]
    assert rail_peers(nodes) == {}
