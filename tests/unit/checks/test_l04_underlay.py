"""The L4 judge on real captures: the recorded H100 node's jumbo ping (iputils) passes, and iputils' own
"message too long" output (tests/fixtures/ping, the local MTU below plan) and a silent loss fail, naming why."""

from __future__ import annotations

from pathlib import Path

from bringup.checks import l04_underlay as judge
from bringup.parsers import ping

CAPTURES = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ping"
PEER = ("node02", "198.19.19.12")


def test_all_replies_pass():
    result = ping.parse((CAPTURES / "node01" / "ping-rail3.out").read_text())
    good = judge.jumbo_ping("node01", "enp93s0np0", PEER, 9000, result, "")
    assert (good.outcome, good.measured, good.reference, good.source) == ("pass", "3/3 received", "all", "MTU 9000")


def test_local_mtu_error_fails_with_the_first_error_line():
    text = (FIXTURES / "local_mtu_error.txt").read_text()
    stderr = "".join(line + "\n" for line in text.splitlines() if line.startswith("ping: local error"))
    bad = judge.jumbo_ping("node01", "enp93s0np0", PEER, 9000, ping.parse(text), stderr)
    assert bad.message == ("node01 enp93s0np0 -> node02 198.19.19.12 at MTU 9000: 0 of 3 replies, 100% loss; "
                           "ping: local error: message too long, mtu=1500")


def test_silent_loss_fails_without_a_hint():
    text = (CAPTURES / "node01/ping-rail3.out").read_text().replace("3 received, 0% packet loss",
                                                                    "1 received, 66.6667% packet loss")
    bad = judge.jumbo_ping("node01", "enp93s0np0", PEER, 9000, ping.parse(text), "")
    assert (bad.outcome, bad.measured) == ("fail", "1/3 received")
    assert bad.message == "node01 enp93s0np0 -> node02 198.19.19.12 at MTU 9000: 1 of 3 replies, 66.6667% loss"
