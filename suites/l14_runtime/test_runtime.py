"""L14 runtime plumbing, bare metal (layers.md L14: D2, D4): hostname, name resolution, passwordless SSH.

Kubernetes designs have their own L14 (operators, device plugins); these checks skip there.
"""

import pytest

from bringup.parsers import getent_hosts, scalar
from bringup.probes import runtime

PEERS = "all"  # layers.md L14: `ssh -o BatchMode=yes <node> true` for all pairs


def _bare_metal(node):
    if not runtime.applies(node):
        pytest.skip(f"{node.name}: Kubernetes L14 checks apply (design {node.design.id}), not the bare-metal ones")


def test_hostname_matches_inventory(node, facts, check):
    _bare_metal(node)
    if node.connection.kind == "local":
        pytest.skip(f"{node.name} is probed in place (ansible_connection: local): its inventory name is an alias")
    name = facts.parsed("hostname", scalar.parse)
    check.record(name, node.name)
    # Slurm's NodeName, mpirun's hostfile and the known_hosts entries all use the inventory name.
    assert name.split(".")[0] == node.name, f"hostname on {node.name} is {name!r}, the inventory calls it {node.name!r}"


def test_every_node_name_resolves(node, facts, fleet, check):
    _bare_metal(node)
    resolved = facts.parsed("getent-hosts", getent_hosts.parse, allow_rc=(0, 2))
    missing = [n for n in node.fleet if n not in resolved]
    check.record(f"{len(node.fleet) - len(missing)} of {len(node.fleet)} names resolve", "all")
    assert not missing, f"{node.name} cannot resolve {', '.join(missing)} (`getent hosts`: not in /etc/hosts or DNS)"
    table = fleet(lambda f: tuple(sorted(f.parsed("getent-hosts", getent_hosts.parse, allow_rc=(0, 2)).items())))
    check.fleet_identical("name resolution (getent hosts)", node.name, table, None)


def test_passwordless_ssh_to_peer(node, peer, facts, check):
    _bare_metal(node)
    if not runtime.mesh_required(node):
        pytest.skip(f"no SSH mesh required: design {node.design.id} launches through {node.design.launcher}, "
                    f"and bringup_expect.ssh_mesh is not set")
    result = facts.result(f"ssh-{peer.name}")
    check.record(f"rc {result.rc}", "rc 0")
    detail = (result.stderr or result.stdout).strip().splitlines()
    assert result.rc == 0, (f"`ssh -o BatchMode=yes {peer.name} true` from {node.name} exited {result.rc}: "
                            f"{detail[-1] if detail else 'no output'}")
