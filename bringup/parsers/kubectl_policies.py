"""``kubectl get sriovnetworknodepolicies -n <ns> -o json``: which PFs get how many VFs, and how.

Fields and defaults follow sriov-network-operator ``api/v1/sriovnetworknodepolicy_types.go``: ``deviceType``
defaults to ``netdevice`` (kubebuilder default, so the API server fills it in), ``isRdma`` to false,
``priority`` to 0 (0 is the highest). Abridged example::

    {"apiVersion": "v1", "kind": "List", "items": [{
        "apiVersion": "sriovnetwork.openshift.io/v1", "kind": "SriovNetworkNodePolicy",
        "metadata": {"name": "sriov-rail0", "namespace": "nvidia-network-operator"},
        "spec": {"deviceType": "netdevice", "isRdma": true, "linkType": "eth", "numVfs": 8, "priority": 90,
                 "resourceName": "sriov_rail0", "nodeSelector": {"feature.node.kubernetes.io/network-sriov.capable": "true"},
                 "nicSelector": {"vendor": "15b3", "deviceID": "1021", "pfNames": ["enp24s0np0"],
                                 "rootDevices": ["0000:18:00.0"]}}}]}

Selection mirrors the operator's (``api/v1/helper.go``): every label of ``nodeSelector`` must be on the
node; every field set in ``nicSelector`` must match the PF (``pfNames`` entries may carry a VF range,
``enp24s0np0#0-3``); an empty ``nicSelector`` selects nothing. Returns a list of :class:`Policy`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bringup.parsers import jsonout, kubejson
from bringup.parsers.common import ParseError

TOOL = "kubectl-sriovnetworknodepolicies"
WHAT = "kubectl get sriovnetworknodepolicies -o json"


def full_pci(address: str) -> str:
    """``18:00.0`` -> ``0000:18:00.0``: the operator compares full, lower-case addresses."""
    address = address.lower()
    return address if address.count(":") == 2 else f"0000:{address}"


@dataclass(frozen=True)
class NicSelector:
    vendor: str | None
    device_id: str | None
    root_devices: tuple[str, ...]
    pf_names: tuple[str, ...]  # without the "#first-last" VF range
    net_filter: str | None

    @property
    def empty(self) -> bool:
        return not (self.vendor or self.device_id or self.root_devices or self.pf_names or self.net_filter)

    def selects(self, netdev: str, pci: str | None, vendor: str | None, device_id: str | None) -> bool:
        """Whether this selector picks the PF. A vendor or device id the inventory doesn't declare doesn't
        rule the PF out; a PF without a declared PCI address matches ``rootDevices`` only through
        ``pfNames``. ``netFilter`` is for cloud VFs and never matches a bare-metal PF."""
        if self.empty or self.net_filter:
            return False
        if self.vendor and vendor and self.vendor.lower() != vendor.lower():
            return False
        if self.device_id and device_id and self.device_id.lower() != device_id.lower():
            return False
        if self.root_devices and pci and full_pci(pci) not in {full_pci(d) for d in self.root_devices}:
            return False
        if self.root_devices and not pci and not self.pf_names:
            return False
        return not self.pf_names or netdev in self.pf_names


@dataclass(frozen=True)
class Policy:
    name: str
    resource_name: str
    num_vfs: int
    priority: int
    device_type: str
    is_rdma: bool
    link_type: str | None
    node_selector: dict[str, str]
    nic: NicSelector

    def selects_node(self, labels: dict[str, str]) -> bool:
        return all(labels.get(key) == value for key, value in self.node_selector.items())


def _int(spec: dict, key: str, name: str, default: int | None = None) -> int:
    value = spec.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParseError(f"policy {name}: spec.{key} is {value!r}, not an integer")
    return value


@jsonout.shape_checked(WHAT)
def parse(text: str) -> list[Policy]:
    policies = []
    for item in kubejson.items(text, "SriovNetworkNodePolicy", WHAT):
        name = item["metadata"]["name"]
        spec = kubejson.mapping(item.get("spec"), f"policy {name} spec")
        nic = kubejson.mapping(spec.get("nicSelector"), f"policy {name} spec.nicSelector")
        selector = NicSelector(
            vendor=nic.get("vendor") or None,
            device_id=nic.get("deviceID") or None,
            root_devices=kubejson.strings(nic.get("rootDevices"), f"policy {name} nicSelector.rootDevices"),
            pf_names=tuple(p.split("#")[0] for p in kubejson.strings(nic.get("pfNames"),
                                                                       f"policy {name} nicSelector.pfNames")),
            net_filter=nic.get("netFilter") or None,
        )
        policies.append(Policy(
            name=name,
            resource_name=str(spec.get("resourceName") or ""),
            num_vfs=_int(spec, "numVfs", name, 0),
            priority=_int(spec, "priority", name, 0),
            device_type=str(spec.get("deviceType") or "netdevice"),
            is_rdma=spec.get("isRdma") is True,
            link_type=spec.get("linkType") or None,
            node_selector={str(k): str(v) for k, v in
                           kubejson.mapping(spec.get("nodeSelector"), f"policy {name} spec.nodeSelector").items()},
            nic=selector,
        ))
    return policies


def effective(policies: list[Policy], labels: dict[str, str], netdev: str, pci: str | None,
              vendor: str | None, device_id: str | None) -> tuple[Policy | None, list[Policy]]:
    """The policy that configures this PF on this node, and every policy that selects it.

    The operator applies matching policies from the lowest priority (highest number) to the highest, names
    in order within a priority, and the last one applied wins (``ByPriority`` in api/v1/helper.go).
    """
    matching = [p for p in policies if p.selects_node(labels) and p.nic.selects(netdev, pci, vendor, device_id)]
    if not matching:
        return None, []
    order = sorted(matching, key=lambda p: (-p.priority, p.name))
    return order[-1], matching
