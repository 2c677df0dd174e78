"""``kubectl get node <name> -o json``: the node's labels and allocatable resources.

The SR-IOV device plugin advertises each resource pool as ``<prefix>/<resourceName>`` with the VF count,
a quantity string (Kubernetes core/v1 ``NodeStatus.allocatable``). Abridged example::

    {"apiVersion": "v1", "kind": "Node",
     "metadata": {"name": "node01", "labels": {"kubernetes.io/hostname": "node01", ...}},
     "status": {"allocatable": {"cpu": "223500m", "nvidia.com/gpu": "8", "nvidia.com/sriov_rail0": "8", ...},
                "capacity": {...}, "conditions": [{"type": "Ready", "status": "True", ...}]}}

Returns a :class:`KubeNode`; extended resources (a ``/`` in the name) must be whole numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bringup.parsers import jsonout, kubejson
from bringup.parsers.common import ParseError

TOOL = "kubectl-node"
WHAT = "kubectl get node -o json"


@dataclass(frozen=True)
class KubeNode:
    name: str
    labels: dict[str, str]
    allocatable: dict[str, str]
    ready: bool | None

    def count(self, resource: str) -> int | None:
        """An extended resource's allocatable count; None where the node doesn't advertise it."""
        value = self.allocatable.get(resource)
        return None if value is None else int(value)


@jsonout.shape_checked(WHAT)
def parse(text: str) -> KubeNode:
    data = kubejson.obj(text, "Node", WHAT)
    name = data["metadata"]["name"]
    labels = kubejson.mapping(data["metadata"].get("labels"), f"node {name} metadata.labels")
    status = kubejson.mapping(data.get("status"), f"node {name} status")
    allocatable = kubejson.mapping(status.get("allocatable"), f"node {name} status.allocatable")
    for resource, value in allocatable.items():
        # Device-plugin resources are counts; kubelet prints them as plain integers.
        if "/" in resource and not (isinstance(value, str) and re.fullmatch(r"\d+", value)):
            raise ParseError(f"node {name} allocatable {resource} is {value!r}, not a whole number")
    ready = None
    for condition in status.get("conditions") or []:
        if isinstance(condition, dict) and condition.get("type") == "Ready":
            ready = condition.get("status") == "True"
    return KubeNode(name, {str(k): str(v) for k, v in labels.items()},
                    {str(k): str(v) for k, v in allocatable.items()}, ready)
