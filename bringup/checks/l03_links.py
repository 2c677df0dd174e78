"""Layer 3 judges: a rail's physical link, FEC, PHY errors, optics, BER and cabling (layers.md L3).

Pure: each takes parsed facts (bringup.parsers) and expected values (bringup.expect.Expected) and returns the
check's one Verdict; suites/l03_links/test_links.py reads the facts and records the verdict.
"""

from __future__ import annotations

from typing import Any

from bringup.checks.verdict import Verdict, at_most, decisive, equal, fleet_identical, holds
from bringup.expect import Expected

# The Mellanox/NVIDIA mlx5 PHY counter of symbol errors that FEC could not correct (layers.md L3 [S12]).
SYMBOL_ERRORS = "rx_pcs_symbol_err_phy"


def planned_speed(rail_speed_mbps: int | None, nic_speed_mbps: int | None) -> Expected | None:
    """The rail's own speed (bringup_rails[].speed_mbps) wins over the node's NIC speed; None: the fleet rules."""
    if rail_speed_mbps:
        return Expected(rail_speed_mbps, "inventory bringup_rails[].speed_mbps")
    if nic_speed_mbps is not None:
        return Expected(nic_speed_mbps, "inventory bringup_hardware.nic_speed_mbps")
    return None


def link_up_at_speed(node: str, netdev: str, link, duplex: Expected, speed: Expected | None,
                     fleet_speeds: dict[str, Any] | None = None) -> Verdict:
    """Link detected, then duplex, then speed: a wrong speed is reported as the speed (the last comparison),
    a wrong duplex as the duplex. Without a planned speed the rail's fleet majority (``fleet_speeds``) rules."""
    if not link.link_detected:
        return holds(f"{netdev} link detected", False, "no", "yes", "ethtool",
                     f"{netdev} on {node}: Link detected: no")
    if speed is not None:
        rate = equal(f"{netdev} speed", link.speed_mbps, speed, "Mb/s")
    else:
        rate = fleet_identical(f"{netdev} speed (Mb/s)", node, fleet_speeds or {}, None)
    return decisive(equal(f"{netdev} duplex", link.duplex, duplex), rate)


def fec_active(netdev: str, fec, wanted: Expected) -> Verdict:
    # layers.md L3: RS-FEC (RS-544) is mandatory at 400G PAM4 (IEEE 802.3bs); "Off" or BaseR loses the link margin.
    return equal(f"{netdev} active FEC", fec.active, wanted)


def symbol_errors(node: str, netdev: str, counters: dict[str, int], limit: Expected) -> Verdict:
    if SYMBOL_ERRORS not in counters:
        return holds(f"{netdev} {SYMBOL_ERRORS}", False, None, f"<= {limit.value}", limit.source,
                     f"{netdev} on {node}: `ethtool -S` has no {SYMBOL_ERRORS} (not an mlx5 PHY?)")
    return at_most(f"{netdev} {SYMBOL_ERRORS}", counters[SYMBOL_ERRORS], limit)


def optics_dom(netdev: str, module) -> Verdict:
    """The module's own alarm flags and its temperature inside the module's own alarm thresholds (SFF-8636 /
    CMIS: the vendor programs the thresholds into the EEPROM, so the module, not a policy, says what is hot).
    Call only when the module reports a temperature (passive copper has no DOM)."""
    temp = module.temperature_c
    low, high = module.threshold_c("low alarm"), module.threshold_c("high alarm")
    what, measured, reference = f"{netdev} module temperature", f"{temp} C", f"{low}..{high} C"
    source = "module alarm thresholds (ethtool -m)"
    flags = module.raised_flags
    inside = (low is None or temp > low) and (high is None or temp < high)
    return decisive(
        holds(f"{netdev} optic flags", not flags, measured, reference, source,
              f"{netdev} optic flags raised: {', '.join(flags)}"),
        holds(what, inside, measured, reference, source,
              f"{netdev} module temperature {temp} C outside the module's alarm thresholds {low}..{high} C"))


def _ber(netdev: str, info, field: str, limit: Expected) -> Verdict:
    ber = info.ber(field)
    if ber is None:
        return holds(f"{netdev} {field}", False, None, f"<= {limit.value}", limit.source,
                     f"{netdev}: mlxlink printed no {field} (run with -c)")
    return holds(f"{netdev} {field}", ber <= float(limit.value), ber, f"<= {limit.value}", limit.source,
                 f"{netdev} {field} {ber:.1E} > {float(limit.value):.0E} ({limit.source})")


def link_ber(netdev: str, info, effective: Expected, raw: Expected) -> Verdict:
    """mlxlink's link state, then the effective BER (after FEC) and the raw BER (before FEC): layers.md L3
    "Link quality" wants the effective BER at ~0 and the raw BER well under the RS-FEC correction limit."""
    state = (info.state, info.physical_state)
    up = holds(f"{netdev} mlxlink state", state == ("Active", "LinkUp"), f"{state[0]} {state[1]}", "Active LinkUp",
               "mlxlink", f"{netdev} mlxlink State {state[0]}, Physical state {state[1]} (want Active, LinkUp)")
    return decisive(up, _ber(netdev, info, "Effective Physical BER", effective),
                    _ber(netdev, info, "Raw Physical BER", raw))


def lldp_neighbour(node: str, netdev: str, neighbours: list, planned) -> Verdict:
    """Exactly one LLDP neighbour, the planned leaf (system name) on the planned port (port id or its
    description: switches differ in which one carries the interface name)."""
    seen = [f"{n.system_name or n.chassis_id} {n.port_id}" for n in neighbours]
    reference, source = f"{planned.leaf} {planned.port}", "inventory bringup_cabling_plan"
    if not neighbours:
        return holds(f"{netdev} LLDP neighbour", False, seen, reference, source,
                     f"no LLDP neighbour on {netdev} of {node} (plan: {planned.leaf} {planned.port})")
    matches = [n for n in neighbours if n.system_name == planned.leaf and planned.port in (n.port_id, n.port_descr)]
    return holds(f"{netdev} LLDP neighbour", bool(matches) and len(neighbours) == 1, seen, reference, source,
                 f"{node} {netdev} is cabled to {', '.join(seen)}; the cabling plan says {planned.leaf} {planned.port}")
