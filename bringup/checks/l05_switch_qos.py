"""Layer 5 judge, host-side evidence of the switch's lossless QoS: PFC pause frames only on the RoCE priority
(layers.md L5 "Counters under stress").

Pure: the parsed ``ethtool -S`` counters (bringup.parsers.ethtool_stats) and the contract's PFC priority in, the
check's one Verdict out; suites/l05_switch_qos/test_switch_qos.py reads the facts and records the verdict.
"""

from __future__ import annotations

import re

from bringup.checks.verdict import Verdict, holds
from bringup.expect import Expected

# mlx5 per-priority pause counters (kernel Documentation/networking/device_drivers/ethernet/mellanox/mlx5/
# counters.rst: rx_prioX_pause / tx_prioX_pause). A switch sends PFC pause only for the priorities its PFC is
# enabled on, so a count on any other priority is a switch/host contract mismatch.
_PAUSE = re.compile(r"^(rx|tx)_prio(\d)_pause$")


def pauses_only_on(node: str, netdev: str, counters: dict[str, int], prio: Expected) -> Verdict:
    paused = {name: value for name, value in counters.items() if (m := _PAUSE.match(name)) and value > 0
              and int(m[2]) != prio.value}
    return holds(f"{netdev} PFC pause priorities", not paused, sorted(paused) or "none",
                 f"pauses on priority {prio.value} only", prio.source,
                 f"{netdev} on {node}: PFC pause frames on priorities other than {prio.value} "
                 f"({prio.source}): {', '.join(f'{k}={v}' for k, v in sorted(paused.items()))}")
