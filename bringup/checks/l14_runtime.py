"""Layer 14 judges, bare metal (layers.md L14: D2, D4): the node's own name, name resolution of every node, and
passwordless SSH to each peer.

Pure: each takes parsed facts (bringup.parsers: scalar, getent_hosts) or the SSH probe's raw result (its exit
status is the answer) and returns the check's one Verdict; suites/l14_runtime/test_runtime.py records it.
"""

from __future__ import annotations

from typing import Hashable

from bringup.checks.verdict import Verdict, fleet_identical, holds


def hostname_matches(node: str, name: str) -> Verdict:
    """Slurm's NodeName, mpirun's hostfile and the known_hosts entries all use the inventory name, so the host's
    own name (short form: a FQDN's first label) must be it."""
    return holds("hostname", name.split(".")[0] == node, name, node, "inventory host name",
                 f"hostname on {node} is {name!r}, the inventory calls it {node!r}")


def every_name_resolves(node: str, fleet: list[str], resolved: dict[str, str],
                        tables: dict[str, Hashable]) -> Verdict:
    """``getent hosts`` on this node resolves every inventory name (layers.md L14), to the same addresses as the
    rest of the fleet (``tables``: each node's sorted name -> address pairs; the majority rules)."""
    missing = [n for n in fleet if n not in resolved]
    if missing:
        return holds("name resolution (getent hosts)", False, f"{len(fleet) - len(missing)} of {len(fleet)} names "
                     f"resolve", "all", "inventory hosts",
                     f"{node} cannot resolve {', '.join(missing)} (`getent hosts`: not in /etc/hosts or DNS)")
    return fleet_identical("name resolution (getent hosts)", node, tables, None)


def ssh_to_peer(node: str, peer: str, result) -> Verdict:
    """layers.md L14: ``ssh -o BatchMode=yes <peer> true`` succeeds for every pair (mpirun starts its daemons so;
    BatchMode: a password or passphrase prompt fails instead of waiting)."""
    detail = (result.stderr or result.stdout).strip().splitlines()
    return holds(f"ssh {node} -> {peer}", result.rc == 0, f"rc {result.rc}", "rc 0", "layers.md L14",
                 f"`ssh -o BatchMode=yes {peer} true` from {node} exited {result.rc}: "
                 f"{detail[-1] if detail else 'no output'}")
