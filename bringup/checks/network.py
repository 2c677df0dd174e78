"""Helpers the network-layer checks (suites l03-l10) share: where a rail's expected value comes from, and
how a check treats a port that is not a RoCE NIC or a vendor tool that is missing.

Kept out of the test files so each test stays one assertion about one rail (style.md 1) and no expected
value lives in test code (style.md 5).
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from bringup import expect
from bringup.probe.prober import ProbeError, ProbeSet
from bringup.probes import Probe


def nic_stack(node) -> str | None:
    return node.nic_stack


def require_roce(node, rail) -> None:
    """PHY, RDMA and QoS checks need a RoCE NIC port; the inventory says which rails are (rdma_device)."""
    if not rail.rdma_device:
        pytest.skip(f"inventory declares no RDMA device for {node.name} {rail.name} ({rail.netdev} is not a "
                    f"RoCE port)")


def fabric(node, key: str) -> expect.Expected | None:
    """A fabric-contract value: bringup_fabric.<key>, else bringup_expect, else policy.yml."""
    return expect.declared(node, key, getattr(node.fabric, key, None), f"bringup_fabric.{key}")


def vendor_absent(facts: ProbeSet, probe: Probe) -> None:
    """Before parsing a probe of a vendor tool or MLNX_OFED interface (``probe.vendor``): is it absent by design?

    Missing on a node whose inventory declares the DOCA/MLNX_OFED stack: the check fails (ProbeError names
    "<tool> not installed on <node>"). Missing on an inbox-driver node: skipped, naming the inventory value,
    because the interface does not exist there by design.
    """
    result = facts.result(probe.key)
    absent = result.not_found or "No such file or directory" in (result.stderr or "")
    if absent and facts.nic_stack != "doca":
        pytest.skip(f"{probe.vendor} not available on {facts.node} and the inventory declares nic_stack "
                    f"{facts.nic_stack or 'unset'} (only the DOCA/MLNX_OFED stack provides it)")
    if absent and not result.not_found:
        raise ProbeError(f"{facts.node}: {probe.vendor} missing on {facts.node} (`{result.command}`: "
                         f"{(result.stderr or '').strip().splitlines()[0]})")


def rail_fleet(fleet, rail, extract: Callable[[ProbeSet, Any], Any]) -> dict[str, Any]:
    """{node: value} of this rail (same rail name) on every node that answered."""
    return fleet(lambda f: extract(f, rail))
