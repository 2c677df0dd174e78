"""Helpers the network-layer checks (suites l03-l10) share: where a rail's expected value comes from, and
how a check treats a port that is not a RoCE NIC or a vendor tool that is missing.

Kept out of the test files so each test stays one assertion about one rail (style.md 1) and no expected
value lives in test code (style.md 5).
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from bringup import expect
from bringup.parsers import dcb, mlnx_qos
from bringup.probe.prober import ProbeError, ProbeSet


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


def vendor_output(facts: ProbeSet, node, key: str, parser: Callable[[str], Any], tool: str,
                  allow_rc: tuple[int, ...] = (0,)) -> Any:
    """Parse a probe that needs an NVIDIA/Mellanox tool or MLNX_OFED interface.

    Missing on a node whose inventory declares the DOCA/MLNX_OFED stack: the check fails (ProbeError names
    "<tool> not installed on <node>"). Missing on an inbox-driver node: skipped, naming the inventory value,
    because the interface does not exist there by design.
    """
    result = facts.result(key)
    absent = result.not_found or "No such file or directory" in (result.stderr or "")
    if absent and nic_stack(node) != "doca":
        pytest.skip(f"{tool} not available on {node.name} and the inventory declares nic_stack "
                    f"{nic_stack(node) or 'unset'} (only the DOCA/MLNX_OFED stack provides it)")
    if absent and not result.not_found:
        raise ProbeError(f"{node.name}: {tool} missing on {node.name} (`{result.command}`: "
                         f"{(result.stderr or '').strip().splitlines()[0]})")
    return facts.parsed(key, parser, allow_rc=allow_rc)


def rail_fleet(fleet, rail, extract: Callable[[ProbeSet, Any], Any]) -> dict[str, Any]:
    """{node: value} of this rail (same rail name) on every node that answered."""
    return fleet(lambda f: extract(f, rail))


def qos_settings(facts: ProbeSet, node, rail):
    """Trust, DSCP map and PFC of a rail: ``mlnx_qos``, or on a host without it whose inventory does not
    declare DOCA, the iproute2 ``dcb`` equivalent (both answer .trust, .prio_of_dscp(), .pfc_enabled)."""
    if facts.result(f"mlnx_qos-{rail.name}").not_found and nic_stack(node) != "doca":
        pfc = facts.parsed(f"dcb-pfc-{rail.name}", dcb.parse).pfc
        return dcb.Dcb(pfc, facts.parsed(f"dcb-app-{rail.name}", dcb.parse).dscp_prio)
    return vendor_output(facts, node, f"mlnx_qos-{rail.name}", mlnx_qos.parse, "mlnx_qos")
