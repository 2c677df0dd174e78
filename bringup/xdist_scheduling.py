"""pytest-xdist scheduling: all checks of one cluster node on one worker, in collection (layer) order.

Gating needs a node's lower layers to finish before its higher ones start, on the worker that records the
failure. xdist's LoadScopeScheduling already keeps a "scope" on one worker in order; the scope here is the
cluster node named at the start of the test id (``[node03]``, ``[node03-rail1]``, ``[node03-gpu2]``).
(xdist's own ``loadgroup`` does the same through nodeid suffixes, which newer pytest releases ignore.)
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadScopeScheduling


class NodeScopeScheduling(LoadScopeScheduling):
    def __init__(self, config: Any, log: Any, node_names: list[str]):
        super().__init__(config, log)
        self.node_names = sorted(node_names, key=len, reverse=True)  # "gpu-a10" before "gpu-a1"

    def _split_scope(self, nodeid: str) -> str:
        params = nodeid.rpartition("[")[2] if nodeid.endswith("]") else ""
        for name in self.node_names:
            if params.startswith(name) and params[len(name)] in "-]":
                return f"node:{name}"
        return super()._split_scope(nodeid)
