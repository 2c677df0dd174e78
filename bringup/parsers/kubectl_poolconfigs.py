"""``kubectl get sriovnetworkpoolconfigs -n <ns> -o json``: node pools, their drain budget and RDMA mode.

sriov-network-operator ``api/v1/sriovnetworkpoolconfig_types.go``: ``nodeSelector`` is a standard label
selector, ``rdmaMode`` is ``shared`` or ``exclusive`` (doc/rdma-configuration.md: changing it reboots every
matching node). Abridged example::

    {"apiVersion": "v1", "kind": "List", "items": [{
        "apiVersion": "sriovnetwork.openshift.io/v1", "kind": "SriovNetworkPoolConfig",
        "metadata": {"name": "gpu-workers", "namespace": "nvidia-network-operator"},
        "spec": {"maxUnavailable": 1, "rdmaMode": "exclusive",
                 "nodeSelector": {"matchLabels": {"node-role.kubernetes.io/worker": ""}}}}]}

Returns a list of :class:`PoolConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers import jsonout, kubejson
from bringup.parsers.common import ParseError

TOOL = "kubectl-sriovnetworkpoolconfigs"
WHAT = "kubectl get sriovnetworkpoolconfigs -o json"
_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...]

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        if self.operator == "In":
            return present and labels[self.key] in self.values
        if self.operator == "NotIn":
            return not present or labels[self.key] not in self.values
        return present if self.operator == "Exists" else not present


@dataclass(frozen=True)
class PoolConfig:
    name: str
    rdma_mode: str | None
    # None: no nodeSelector, which selects no node (metav1.LabelSelectorAsSelector(nil) is "nothing");
    # an empty selector selects every node.
    selector: tuple[Requirement, ...] | None

    def selects(self, labels: dict[str, str]) -> bool:
        return self.selector is not None and all(r.matches(labels) for r in self.selector)


def _selector(value, name: str) -> tuple[Requirement, ...] | None:
    if value is None:
        return None
    value = kubejson.mapping(value, f"pool {name} spec.nodeSelector")
    reqs = [Requirement(str(k), "In", (str(v),)) for k, v in
            kubejson.mapping(value.get("matchLabels"), f"pool {name} matchLabels").items()]
    for expr in value.get("matchExpressions") or []:
        expr = kubejson.mapping(expr, f"pool {name} matchExpressions[]")
        if expr.get("operator") not in _OPERATORS or not expr.get("key"):
            raise ParseError(f"pool {name}: matchExpressions entry {expr!r} is not a label requirement")
        reqs.append(Requirement(expr["key"], expr["operator"],
                                kubejson.strings(expr.get("values"), f"pool {name} matchExpressions values")))
    return tuple(reqs)


@jsonout.shape_checked(WHAT)
def parse(text: str) -> list[PoolConfig]:
    pools = []
    for item in kubejson.items(text, "SriovNetworkPoolConfig", WHAT):
        name = item["metadata"]["name"]
        spec = kubejson.mapping(item.get("spec"), f"pool {name} spec")
        pools.append(PoolConfig(name, spec.get("rdmaMode") or None, _selector(spec.get("nodeSelector"), name)))
    return pools
