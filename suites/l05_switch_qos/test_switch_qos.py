"""L5 fabric lossless QoS, host-side evidence only (layers.md L5 "Counters under stress": PFC pause only on
the RoCE priority). The switch's own `show roce`, watchdog and DSCP-map parity rows need a switch
transport, which this suite does not have yet; they are not represented by placeholder tests.
"""

import re

from bringup.checks import network
from bringup.parsers import ethtool_stats

_PAUSE = re.compile(r"^(rx|tx)_prio(\d)_pause$")


def test_pfc_pauses_only_on_roce_priority(node, rail, facts, check):
    network.require_roce(node, rail)
    prio = network.fabric(node, "pfc_priority")
    counters = facts.parsed(f"pfc-counters-{rail.name}", ethtool_stats.parse)
    paused = {name: value for name, value in counters.items() if (m := _PAUSE.match(name)) and value > 0
              and int(m[2]) != prio.value}
    check.record(sorted(paused) or "none", f"pauses on priority {prio.value} only")
    assert not paused, (f"{rail.netdev} on {node.name}: PFC pause frames on priorities other than {prio.value} "
                        f"({prio.source}): {', '.join(f'{k}={v}' for k, v in sorted(paused.items()))}")
