"""L3 physical links, optics and cabling, per rail (layers.md L3).

Speed comes from the inventory (bringup_rails[].speed_mbps, else bringup_hardware.nic_speed_mbps), else the
fleet majority of the same rail. PHY evidence (FEC, symbol errors, optics, BER) is read on RoCE NIC ports
only; the cabling plan gives each rail's leaf and port.
"""

import pytest

from bringup import expect
from bringup.checks import network
from bringup.parsers import ethtool, ethtool_fec, ethtool_module, ethtool_stats, lldpctl, mlxlink


def _speed(facts, rail):
    return facts.parsed(f"ethtool-{rail.name}", ethtool.parse).speed_mbps


def test_link_up_at_planned_speed(node, rail, facts, fleet, check):
    link = facts.parsed(f"ethtool-{rail.name}", ethtool.parse)
    assert link.link_detected, f"{rail.netdev} on {node.name}: Link detected: no"
    duplex = expect.declared(node, "duplex")
    check.equal(f"{rail.netdev} duplex", link.duplex, duplex)
    declared = rail.speed_mbps or node.hardware.nic_speed_mbps
    if declared is not None:
        source = "bringup_rails[].speed_mbps" if rail.speed_mbps else "bringup_hardware.nic_speed_mbps"
        check.equal(f"{rail.netdev} speed", link.speed_mbps, expect.Expected(declared, f"inventory {source}"), "Mb/s")
    else:
        check.fleet_identical(f"{rail.netdev} speed (Mb/s)", node.name, network.rail_fleet(fleet, rail, _speed), None)


def test_fec_is_rs(node, rail, facts, check):
    network.require_roce(node, rail)
    fec = facts.parsed(f"fec-{rail.name}", ethtool_fec.parse)
    check.equal(f"{rail.netdev} active FEC", fec.active, expect.declared(node, "fec"))


def test_no_uncorrectable_symbol_errors(node, rail, facts, check):
    network.require_roce(node, rail)
    counters = facts.parsed(f"ethtool-S-{rail.name}", ethtool_stats.parse)
    if "rx_pcs_symbol_err_phy" not in counters:
        pytest.fail(f"{rail.netdev} on {node.name}: `ethtool -S` has no rx_pcs_symbol_err_phy (not an mlx5 PHY?)")
    limit = expect.declared(node, "max_symbol_errors")
    check.record(counters["rx_pcs_symbol_err_phy"], f"<= {limit.value}")
    assert counters["rx_pcs_symbol_err_phy"] <= limit.value, \
        f"{rail.netdev} rx_pcs_symbol_err_phy {counters['rx_pcs_symbol_err_phy']} > {limit.value} ({limit.source})"


def test_optics_dom_within_thresholds(node, rail, facts, check):
    network.require_roce(node, rail)
    module = facts.parsed(f"module-{rail.name}", ethtool_module.parse)
    temp = module.temperature_c
    if temp is None:
        pytest.skip(f"{rail.netdev} on {node.name}: module {module.identifier} reports no DOM (passive copper)")
    low, high = module.threshold_c("low alarm"), module.threshold_c("high alarm")
    check.record(f"{temp} C", f"{low}..{high} C")
    assert not module.raised_flags, f"{rail.netdev} optic flags raised: {', '.join(module.raised_flags)}"
    assert (low is None or temp > low) and (high is None or temp < high), \
        f"{rail.netdev} module temperature {temp} C outside the module's alarm thresholds {low}..{high} C"


def test_link_ber_within_limits(node, rail, facts, check):
    network.require_roce(node, rail)
    if not rail.pci:
        pytest.skip(f"inventory declares no PCI address for {node.name} {rail.name} (mlxlink needs it)")
    info = network.vendor_output(facts, node, f"mlxlink-{rail.name}", mlxlink.parse, "mlxlink")
    assert (info.state, info.physical_state) == ("Active", "LinkUp"), \
        f"{rail.netdev} mlxlink State {info.state}, Physical state {info.physical_state} (want Active, LinkUp)"
    for field, key in (("Effective Physical BER", "max_effective_ber"), ("Raw Physical BER", "max_raw_ber")):
        ber, limit = info.ber(field), expect.declared(node, key)
        check.record(ber, f"<= {limit.value}")
        assert ber is not None, f"{rail.netdev}: mlxlink printed no {field} (run with -c)"
        assert ber <= float(limit.value), f"{rail.netdev} {field} {ber:.1E} > {float(limit.value):.0E} ({limit.source})"


def test_lldp_neighbour_matches_cabling_plan(node, rail, facts, cluster, check):
    if not cluster.cabling:
        pytest.skip(f"inventory declares no cabling plan (bringup_cabling_plan) for {node.name} {rail.name}")
    planned = cluster.cabling_for(node.name, rail.name)
    if planned is None:
        pytest.skip(f"inventory's cabling plan has no entry for {node.name} {rail.name}")
    neighbours = facts.parsed("lldp", lldpctl.parse).get(rail.netdev, [])
    seen = [f"{n.system_name or n.chassis_id} {n.port_id}" for n in neighbours]
    check.record(seen, f"{planned.leaf} {planned.port}")
    assert neighbours, f"no LLDP neighbour on {rail.netdev} of {node.name} (plan: {planned.leaf} {planned.port})"
    matches = [n for n in neighbours if n.system_name == planned.leaf and planned.port in (n.port_id, n.port_descr)]
    assert matches and len(neighbours) == 1, \
        f"{node.name} {rail.netdev} is cabled to {', '.join(seen)}; the cabling plan says {planned.leaf} {planned.port}"
