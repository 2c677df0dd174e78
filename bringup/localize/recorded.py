"""A run directory's pair benchmarks as localization input (pure reads of ``RUN/bench/`` and ``RUN/probes/``).

Which benchmarks localize (:data:`CASES`), the figure of one run (the bandwidth at the case's largest judged
size, through the tool's own parser: :func:`bringup.bench.outputs.rows_of`), a re-test run's id
(``<run id>@retest``, so the same pair re-run in the second pass is its own record and ``--replay`` serves
it), the baseline's lower limit from the judged rows, the counter deltas of a node's rail over some runs
(``counters.json``, :mod:`bringup.bench.counters`), and where a rail's link lands: the LLDP neighbour that L3
recorded (``probes/<node>/l03.json``, key ``lldp``), else the cabling plan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import pandas as pd

from bringup.bench import counters as watch
from bringup.bench import outputs
from bringup.bench.plan import Planned
from bringup.bench.store import Recorded
from bringup.localize.model import NODE_RAIL, Measure

if TYPE_CHECKING:
    from bringup.inventory import Cluster

RETEST = "retest"
METRIC = "bandwidth"


@dataclass(frozen=True)
class Localized:
    """How a catalogue case localizes: one-way (its sender is measured: perftest writes, iperf3 sends) or
    symmetric (NetPIPE's ping-pong), and the unit of its figure."""

    directional: bool
    unit: str = "Gb/s"


# Pair benchmarks whose slow runs are localized (layers.md L13 "Pairwise RDMA"; the lab's L9 iperf3 and
# L15 NetPIPE, issue 12 item 6). Node-pair NetPIPE has no rail: its blames are nodes.
CASES: dict[str, Localized] = {
    "perftest-write-bw": Localized(directional=True),
    "iperf3-rail": Localized(directional=True),
    "netpipe-pair": Localized(directional=False),
}


# Multi-node collectives whose slow run is bisected (issue 12 item 3), with the figure judged and the pair
# benchmark of the per-rail stage on the smallest failing set.
COLLECTIVES: dict[str, tuple[str, str]] = {"nccl-all_reduce-ring": ("busbw", "perftest-write-bw")}


@dataclass(frozen=True)
class GroupRun(Planned):
    """A bisection run: the collective on a subset, ``<case>@<subject>@bisect-<digest of the members>`` (two
    subsets of one size and first node must not share a record)."""

    @property
    def id(self) -> str:
        digest = hashlib.sha256(",".join(self.node_names).encode()).hexdigest()[:8]
        return f"{super().id}@bisect-{digest}"


@dataclass(frozen=True)
class Retest(Planned):
    """A second-pass run: the same case on a suspect and a known-good partner, recorded as ``<id>@retest``."""

    @property
    def id(self) -> str:
        return f"{super().id}@{RETEST}"


def figure(planned: Planned, recorded: Recorded, metric: str = METRIC) -> float | None:
    """The run's bandwidth (``busbw`` for a collective) at its largest judged size; None when it gave none
    (failed, cut, unparsable, ``#wrong``)."""
    frame, error = outputs.rows_of(planned, recorded)
    if error or frame is None:
        return None
    rows = frame[(frame["metric"] == metric) & frame["valid"].astype(bool)]
    if planned.case.judged_sizes:
        rows = rows[rows["size"].isin(planned.case.judged_sizes)]
    if rows.empty:
        return None
    return float(rows.sort_values("size", kind="stable")["value"].iloc[-1])


def measure(planned: Planned, recorded: Recorded, stage: str = "first") -> Measure:
    names = planned.node_names
    return Measure(names[0], names[1], planned.rail or NODE_RAIL, figure(planned, recorded), planned.id, stage)


def baseline_limit(judged: pd.DataFrame | None, run_ids: list[str], metric: str = METRIC) -> float | None:
    """The baseline's lower limit on the runs' bandwidth (the judge's ``limit`` column), None without one."""
    if judged is None or judged.empty or "limit" not in judged.columns:
        return None
    rows = judged[judged["case"].isin(run_ids) & (judged["metric"] == metric)]
    rows = rows[rows["outcome"].isin(["pass", "warn", "fail"])]
    if rows.empty:
        return None
    rows = rows[rows["size"] == rows["size"].max()]
    limits = pd.to_numeric(rows["limit"], errors="coerce").dropna()
    return float(limits.median()) if not limits.empty else None


class CounterDeltas:
    """``(node, rail, runs) -> {counter: delta}``: ethtool -S diffs summed over the runs' counters.json."""

    def __init__(self, records: Mapping[str, Recorded]):
        self.records = records

    def __call__(self, node: str, rail: str, runs: tuple[str, ...]) -> dict[str, int]:
        total: dict[str, int] = {}
        for run in runs:
            record = self.records.get(run)
            side = ((record.counters if record else {}).get(node) or {}).get(rail) if rail else None
            if not isinstance(side, dict) or not side.get("before") or not side.get("after"):
                continue
            try:
                before = watch.Snapshot.from_outputs(side["before"])
                after = watch.Snapshot.from_outputs(side["after"])
            except Exception:  # an unreadable snapshot is reported by the benchmark's own verdict
                continue
            for name, moved in watch.delta(before.ethtool, after.ethtool).items():
                if moved:
                    total[name] = total.get(name, 0) + moved
        return total


class LinkOf:
    """``(node, rail) -> (leaf, port)``: L3's recorded LLDP neighbour of the rail's netdev, else the plan."""

    def __init__(self, cluster: "Cluster", run_dir: Path | None):
        self.cluster = cluster
        self.run_dir = run_dir
        self._lldp: dict[str, dict] = {}

    def _neighbours(self, node: str) -> dict:
        if node not in self._lldp:
            self._lldp[node] = {}
            path = self.run_dir / "probes" / node / "l03.json" if self.run_dir else None
            if path is not None and path.is_file():
                self._lldp[node] = _lldp_of(path)
        return self._lldp[node]

    def __call__(self, node: str, rail: str) -> tuple[str, str] | None:
        if not rail:
            return None
        try:
            netdev = next((r.netdev for r in self.cluster.node(node).rails if r.name == rail), None)
        except KeyError:
            netdev = None
        seen = self._neighbours(node).get(netdev) if netdev else None
        if seen and seen[0].system_name and (seen[0].port_id or seen[0].port_descr):
            return seen[0].system_name, seen[0].port_id or seen[0].port_descr
        planned = self.cluster.cabling_for(node, rail)
        return (planned.leaf, planned.port) if planned else None


def _lldp_of(path: Path) -> dict:
    from bringup.parsers import ParseError, lldpctl

    try:
        record = json.loads(path.read_text())
        command = record["keys"]["lldp"]
        result = next(r for r in record["results"] if r["command"] == command)
        return lldpctl.parse(result["stdout"]) if result.get("rc") == 0 else {}
    except (OSError, ValueError, KeyError, TypeError, StopIteration, ParseError):
        return {}  # no usable LLDP capture: the cabling plan says where the link lands
