"""L13 pairwise RDMA (layers.md L13 and §4): ib_write_bw and ib_write_lat from every node to its ring
neighbour on every rail, against the line rate, the latency band and the rest of the fleet.
"""

import pytest

from bringup import expect, trafficcheck


def _line_gbps(node, rail):
    mbps = rail.speed_mbps or node.hardware.nic_speed_mbps
    if not mbps:
        pytest.skip(f"inventory declares no NIC speed for {node.name} {rail.name} (bringup_hardware.nic_speed_mbps)")
    return mbps / 1000


def test_rail_write_bandwidth_meets_line_rate(node, rail, facts, check):
    trafficcheck.require(node, rail)
    line = _line_gbps(node, rail)
    gbps = trafficcheck.bandwidth_gbps(facts, node, rail, "bw")
    fraction = expect.declared(node, "perftest_min_line_fraction")
    check.at_least(f"{rail.name} {node.name} -> {node.rail_peers[rail.name][0]} ib_write_bw", gbps,
                   expect.Expected(round(line * fraction.value, 1),
                                   f"{fraction.value:.0%} of {line:g} Gb/s line rate, {fraction.source}"), "Gb/s")


def test_rail_write_latency_within_band(node, rail, facts, check):
    trafficcheck.require(node, rail)
    rows = trafficcheck.report(facts, node, rail, "lat").latency
    assert rows, f"{rail.name}: ib_write_lat printed no latency row"
    typical = rows[-1].t_typical
    band = expect.declared(node, "perftest_max_latency_us")
    check.record(typical, f"<= {band.value}", "us")
    assert typical <= band.value, (f"{rail.name} {node.name} -> {node.rail_peers[rail.name][0]} ib_write_lat "
                                   f"2 B typical {typical} us > {band.value} us ({band.source})")


def test_rail_bandwidth_not_a_fleet_outlier(node, rail, facts, fleet, check):
    trafficcheck.require(node, rail)
    mine = trafficcheck.bandwidth_gbps(facts, node, rail, "bw")
    samples = [v for values in fleet(trafficcheck.fleet_bandwidths).values() for v in values]
    sigmas = expect.declared(node, "perftest_outlier_sigma")
    rule = trafficcheck.low_outlier_limit(samples, sigmas.value)
    if rule is None:
        pytest.skip(f"only {len(samples)} rail measurements in the fleet: too few for an outlier test (>= 4)")
    check.record(mine, f">= {rule.limit:.1f} (median {rule.median:.1f} - {sigmas.value} sigma)", "Gb/s")
    assert mine >= rule.limit, (
        f"{rail.name} {node.name} -> {node.rail_peers[rail.name][0]}: {mine} Gb/s is more than {sigmas.value} "
        f"sigma below the fleet median {rule.median:.1f} Gb/s (sigma {rule.sigma:.1f}, {len(samples)} rails; "
        f"{sigmas.source})")
