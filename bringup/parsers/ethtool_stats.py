"""``ethtool -S <if>``: driver counters. Example (mlx5, counter names from the kernel's
``Documentation/networking/device_drivers/ethernet/mellanox/mlx5/counters.rst``; abridged)::

    NIC statistics:
         rx_packets: 1289077
         tx_packets: 1177425
         rx_prio3_bytes: 918273645
         rx_prio3_pause: 12
         tx_pause_storm_error_events: 0
         rx_pcs_symbol_err_phy: 0
         link_down_events_phy: 1

Returns ``{name: int}``. A veth prints only its queue counters; a driver without counters makes ethtool
fail (rc 95 / "Operation not supported"), which the caller sees as a failed probe, not as an empty dict.

``ethtool -S <if> --groups eth-mac rmon ...`` (ethtool 5.13+) prints the kernel's standard counters under
``Standard stats for <if>:``, without indentation (tests/fixtures/ethtool_stats/ti_rmon_groups.txt)::

    Standard stats for eth2:
    rmon-etherStatsUndersizePkts: 0
    rx-rmon-etherStatsPkts64Octets: 11

Both headers are accepted, and counters whose indentation was lost in a paste read the same. A list cut
between two counter lines cannot be told from a shorter list (ethtool prints no closing line); a line cut
mid-number is a ParseError (common.whole_lines).
"""

from __future__ import annotations

import re

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "ethtool-S"
_STANDARD = re.compile(r"^Standard stats for \S+:$")


@whole_lines
def parse(text: str) -> dict[str, int]:
    counters: dict[str, int] = {}
    header = False
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if line == "NIC statistics:" or _STANDARD.match(line):
            header = True
            continue
        name, sep, value = line.rpartition(": ")
        if not header or not sep or not re.fullmatch(r"-?\d+", value):
            raise ParseError(f"line {number} is not an `ethtool -S` counter: {line[:120]!r}")
        counters[name.strip()] = int(value)
    if not header:
        raise ParseError("no 'NIC statistics:' or 'Standard stats for <if>:' header")
    return counters
