"""The L14 judges on real captures (the recorded H100 nodes' hostname and getent hosts; OpenSSH 9.2 and glibc
getent run on this machine): each passes on the healthy capture and fails, for the right reason, on a faulty
one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bringup.checks import l14_runtime as judge
from bringup.expect import NoConsensus
from bringup.parsers import getent_hosts, scalar
from bringup.probe.batch import CommandResult

H100 = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures"
FLEET = ["node01", "node02"]


def capture(name: str, node: str = "common") -> str:
    return (H100 / node / name).read_text()


def test_hostname_matches_inventory():
    good = judge.hostname_matches("node01", scalar.parse(capture("hostname.out", "node01")))
    assert (good.outcome, good.measured, good.reference) == ("pass", "node01", "node01")
    assert judge.hostname_matches("node01", "node01.cluster.example").outcome == "pass"  # FQDN: first label
    swapped = judge.hostname_matches("node01", scalar.parse(capture("hostname.out", "node02")))
    assert swapped.message == "hostname on node01 is 'node02', the inventory calls it 'node01'"


def _table(text: str) -> tuple:
    return tuple(sorted(getent_hosts.parse(text).items()))


def test_every_name_resolves_and_the_fleet_agrees():
    text = capture("getent-hosts.out")
    resolved = getent_hosts.parse(text)
    good = judge.every_name_resolves("node01", FLEET, resolved, {n: _table(text) for n in FLEET})
    assert (good.outcome, good.measured) == ("pass", (("node01", "198.19.0.11"), ("node02", "198.19.0.12")))
    # getent prints nothing for a name it cannot resolve (and exits 2): node02 is missing from /etc/hosts
    missing = getent_hosts.parse(text.replace("198.19.0.12     node02\n", ""))
    bad = judge.every_name_resolves("node01", FLEET, missing, {"node02": _table(text)})
    assert (bad.measured, bad.reference) == ("1 of 2 names resolve", "all")
    assert bad.message == "node01 cannot resolve node02 (`getent hosts`: not in /etc/hosts or DNS)"
    # every name resolves, but node02's /etc/hosts points node02 elsewhere: the majority of three rules
    stale = text.replace("198.19.0.12", "198.19.0.99")
    tables = {"node01": _table(text), "node02": _table(stale), "node03": _table(text)}
    odd = judge.every_name_resolves("node02", FLEET, getent_hosts.parse(stale), tables)
    assert odd.failed and odd.message.endswith("(fleet majority, 2 of 3 nodes); nodes that differ: node02")
    with pytest.raises(NoConsensus):  # two nodes that disagree: nobody to believe
        judge.every_name_resolves("node02", FLEET, getent_hosts.parse(stale), {"node01": _table(text),
                                                                              "node02": _table(stale)})


def test_ssh_to_peer():
    command = "ssh -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=yes -- node02 true"
    good = judge.ssh_to_peer("node01", "node02", CommandResult(command, 0, "", ""))
    assert (good.outcome, good.measured, good.reference) == ("pass", "rc 0", "rc 0")
    # OpenSSH 9.2p1 (Debian 12) on this machine, to an address where no sshd listens
    refused = CommandResult(command, 255, "", "ssh: connect to host 127.0.0.1 port 22: Connection refused\n")
    bad = judge.ssh_to_peer("node01", "node02", refused)
    assert (bad.measured, bad.message) == ("rc 255", "`ssh -o BatchMode=yes node02 true` from node01 exited 255: "
                                                     "ssh: connect to host 127.0.0.1 port 22: Connection refused")
    assert judge.ssh_to_peer("node01", "node02", CommandResult(command, 1, "", "")).message.endswith(
        "exited 1: no output")
