"""What the traffic checks share: the perftest report of a rail, the priority share of a counter diff, and the
fleet-outlier rule. The arithmetic is pure (tested in tests/unit/test_trafficcheck.py); the checks live in suites/.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from bringup.bench import counters
from bringup.parsers import ethtool_stats


@dataclass(frozen=True)
class PriorityShare:
    priority: int
    deltas: dict[int, int]  # tx bytes per priority during the test

    @property
    def share(self) -> float:
        total = sum(self.deltas.values())
        return self.deltas.get(self.priority, 0) / total if total else 0.0

    @property
    def busiest(self) -> int:
        return max(self.deltas, key=lambda p: self.deltas[p])


_TX_PRIO = re.compile(r"^tx_prio(\d)_bytes$")


def priority_share(before_text: str, after_text: str, priority: int) -> PriorityShare:
    """tx bytes per 802.1p priority between two ``ethtool -S`` snapshots (mlx5 ``tx_prio<N>_bytes``)."""
    moved = counters.delta(ethtool_stats.parse(before_text), ethtool_stats.parse(after_text))
    deltas = {int(m.group(1)): value for name, value in moved.items() if (m := _TX_PRIO.match(name))}
    if priority not in deltas:
        raise ValueError(f"no tx_prio{priority}_bytes counter in `ethtool -S` (the driver prints no per-priority "
                         f"counters; mlx5 does)")
    return PriorityShare(priority, deltas)


@dataclass(frozen=True)
class Outlier:
    median: float
    sigma: float
    limit: float


def low_outlier_limit(values: list[float], sigmas: float, floor_fraction: float = 0.01) -> Outlier | None:
    """The value below which a sample is an outlier: median - sigmas x sigma, sigma = 1.4826 x MAD (a normal
    distribution's standard deviation, estimated without letting the outliers inflate it), at least
    ``floor_fraction`` of the median. Fewer than 4 samples: None (no fleet to compare with)."""
    if len(values) < 4:
        return None
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    sigma = max(1.4826 * mad, floor_fraction * median)
    return Outlier(median, sigma, median - sigmas * sigma)
