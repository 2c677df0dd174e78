"""Layer 4 judge, host-side evidence of the underlay: a don't-fragment ping at the full host MTU (layers.md L4).

Pure: the parsed ping summary (bringup.parsers.ping) and its stderr in, the check's one Verdict out;
suites/l04_underlay/test_underlay.py reads the facts and records the verdict.
"""

from __future__ import annotations

from bringup.checks.verdict import Verdict, holds


def jumbo_ping(node: str, netdev: str, peer: tuple[str, str], mtu: int, result, stderr: str) -> Verdict:
    """Every reply back. A lost one at ``-M do`` means a hop below the MTU: "message too long" on stderr is
    this host's own netdev (named first in the message, the line a reader acts on); silent loss is further
    along, the switch port or the peer's NIC (layers.md L4 "Jumbo MTU end to end")."""
    errors = stderr.strip().splitlines()
    hint = f"; {errors[0]}" if errors else ""
    return holds(f"{netdev} jumbo ping to {peer[0]}", result.ok, f"{result.received}/{result.transmitted} received",
                 "all", f"MTU {mtu}",
                 f"{node} {netdev} -> {peer[0]} {peer[1]} at MTU {mtu}: "
                 f"{result.received} of {result.transmitted} replies, {result.loss_pct:g}% loss{hint}")
