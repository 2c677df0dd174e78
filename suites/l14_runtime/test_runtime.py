"""L14 runtime plumbing, bare metal (layers.md L14: D2, D4): hostname, name resolution, passwordless SSH.

Kubernetes designs have their own L14 (operators, device plugins); these checks skip there.
"""

import pytest

from bringup.checks import l14_runtime as judge
from bringup.probes import runtime

PEERS = "all"  # layers.md L14: `ssh -o BatchMode=yes <node> true` for all pairs


def _bare_metal(node):
    if not runtime.applies(node):
        pytest.skip(f"{node.name}: Kubernetes L14 checks apply (design {node.design.id}), not the bare-metal ones")


def test_hostname_matches_inventory(node, facts, check):
    _bare_metal(node)
    if node.connection.kind == "local":
        pytest.skip(f"{node.name} is probed in place (ansible_connection: local): its inventory name is an alias")
    check(judge.hostname_matches(node.name, facts.get(runtime.HOSTNAME)))


def test_every_node_name_resolves(node, facts, fleet, check):
    _bare_metal(node)
    probe = runtime.getent(node)
    resolved = facts.get(probe)
    tables = fleet(lambda f: tuple(sorted(f.get(probe).items())))  # one key on every node: its names are the fleet
    check(judge.every_name_resolves(node.name, list(node.fleet), resolved, tables))


def test_passwordless_ssh_to_peer(node, peer, facts, check):
    _bare_metal(node)
    if not runtime.mesh_required(node):
        pytest.skip(f"no SSH mesh required: design {node.design.id} launches through {node.design.launcher}, "
                    f"and bringup_expect.ssh_mesh is not set")
    check(judge.ssh_to_peer(node.name, peer.name, facts.result(runtime.ssh(node, peer.name).key)))
