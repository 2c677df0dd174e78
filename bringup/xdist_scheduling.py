"""pytest-xdist scheduling: every check of a cluster node on one worker, in collection (layer) order.

Gating needs a node's lower layers to finish before its higher ones start, on the worker that records the
failure. A pair check (``[node01-node02]``, ``[node01-rail0-node02]``) is gated by both ends, so nodes joined
by pair checks must share a worker too: the scope is the connected component of the "appears in one test id"
graph. With ring or all-pairs checks that is the whole cluster on one worker, which is what makes verdicts
identical to a serial run; parallelism then comes from the prober's concurrent fan-out, not from xdist.
(xdist's own ``loadgroup`` works through nodeid suffixes, which newer pytest releases ignore.)
"""

from __future__ import annotations

import re
from typing import Any

from xdist.scheduler import LoadScopeScheduling


def nodes_in(nodeid: str, names: list[str]) -> list[str]:
    """Cluster node names that appear as whole parts of a test id's parameters, separated by ``-`` (a node's
    check: ``node01-rail2``) or by ``@``/``+`` (a benchmark run: ``perftest-write-bw@rail2@node01+node02``)."""
    params = nodeid.rpartition("[")[2] if nodeid.endswith("]") else ""
    return [n for n in names if re.search(rf"(^|[-@+]){re.escape(n)}([-@+]|\]$)", params)]


def components(nodeids: list[str], names: list[str]) -> dict[str, str]:
    """Pure: node name -> the representative of its component (union-find over test ids)."""
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for nodeid in nodeids:
        found = nodes_in(nodeid, names)
        for other in found[1:]:
            a, b = root(found[0]), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {n: root(n) for n in names}


class NodeScopeScheduling(LoadScopeScheduling):
    def __init__(self, config: Any, log: Any, node_names: list[str]):
        super().__init__(config, log)
        self.node_names = sorted(node_names, key=len, reverse=True)  # "gpu-a10" before "gpu-a1"
        self._component: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._component is None:
            self._component = components(self.collection or [], self.node_names)
        found = nodes_in(nodeid, self.node_names)
        return f"nodes:{self._component[found[0]]}" if found else super()._split_scope(nodeid)
