"""Helpers the network-layer checks (suites l03-l10) share: where a rail's expected value comes from, and
how a check treats a port that is not a RoCE NIC (a missing vendor tool is the probe's own business:
``Probe.vendor``, :meth:`bringup.probe.prober.ProbeSet.get`).

Kept out of the test files so each test stays one assertion about one rail (style.md 1) and no expected
value lives in test code (style.md 5).
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from bringup import expect
from bringup.probe.prober import ProbeSet


def require_roce(node, rail) -> None:
    """PHY, RDMA and QoS checks need a RoCE NIC port; the inventory says which rails are (rdma_device)."""
    if not rail.rdma_device:
        pytest.skip(f"inventory declares no RDMA device for {node.name} {rail.name} ({rail.netdev} is not a "
                    f"RoCE port)")


def fabric(node, key: str) -> expect.Expected | None:
    """A fabric-contract value: bringup_fabric.<key>, else bringup_expect, else policy.yml."""
    return expect.declared(node, key, getattr(node.fabric, key, None), f"bringup_fabric.{key}")


def rail_fleet(fleet, rail, extract: Callable[[ProbeSet, Any], Any]) -> dict[str, Any]:
    """{node: value} of this rail (same rail name) on every node that answered."""
    return fleet(lambda f: extract(f, rail))
