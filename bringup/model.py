"""Schemas of the project's inventory variables (``bringup_*``).

The same variables drive the playbooks (what to apply) and the suites (what to expect). A value left out is
not defaulted here: the suites then expect the fleet majority (see :mod:`bringup.expect`). Ranges follow the
standards: DSCP is 6 bits, 802.1p priority 3 bits, IPv4 ToS 8 bits, RoCE path MTU one of the IB MTUs.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Linux dev_valid_name(): 1-15 bytes, not "." or "..", no '/', ':' or whitespace. Anything else the kernel
# accepts, so the probes must still quote every netdev before it reaches a shell.
_NETDEV = re.compile(r"^(?!\.{1,2}$)[^/:\s]{1,15}$")


class Rail(_Strict):
    """One backend NIC port of a node: rail i is cabled to leaf i."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    netdev: str
    address: ipaddress.IPv4Interface | None = None
    rdma_device: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+$")
    pci: str | None = Field(default=None, pattern=r"^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$")
    gpu: int | None = Field(default=None, ge=0)
    table: int | None = Field(default=None, ge=1, le=2**31 - 1)
    mtu: int | None = Field(default=None, ge=576, le=9216)
    sriov_vfs: int | None = Field(default=None, ge=0, le=256)
    # Expected link speed in Mb/s as `ethtool` prints it (400GbE: 400000; a lab veth: 10000). Overrides
    # bringup_hardware.nic_speed_mbps for this rail.
    speed_mbps: int | None = Field(default=None, ge=1)

    @field_validator("netdev")
    @classmethod
    def _netdev_name(cls, value: str) -> str:
        if not _NETDEV.match(value):
            raise ValueError("a Linux interface name: 1-15 characters without '/', ':' or whitespace")
        return value


class Frontend(_Strict):
    """The node's frontend (management/bootstrap) interface: where ssh, NCCL's bootstrap socket and Open MPI's
    out-of-band wire-up travel, so that no control traffic rides a backend rail (layers.md L9, L13)."""

    netdev: str
    address: ipaddress.IPv4Interface | None = None

    @field_validator("netdev")
    @classmethod
    def _netdev_name(cls, value: str) -> str:
        return Rail._netdev_name(value)  # the same kernel naming rule as a rail's netdev


class Hardware(_Strict):
    """The hardware profile a node must match (layer 1). 0 GPUs or NICs means the node has none."""

    gpus: int | None = Field(default=None, ge=0)
    gpu_model: str | None = None
    nics: int | None = Field(default=None, ge=0, description="backend RDMA NIC PCI functions (no VFs)")
    nic_pci_vendor: str = Field(default="15b3", pattern=r"^[0-9a-f]{4}$")
    # The backend NIC's PCI device id (ConnectX-7: 1021), so a frontend NIC of the same vendor isn't counted.
    nic_pci_device: str | None = Field(default=None, pattern=r"^[0-9a-f]{4}$")
    cpus: int | None = Field(default=None, ge=1)
    memory_gib: float | None = Field(default=None, gt=0, description="at least this much RAM")
    nic_speed_mbps: int | None = Field(default=None, ge=1, description="backend port speed, as ethtool prints it")
    # false: the node has no BMC (a VM, a lab namespace), so the L1 BMC checks skip. None or true: ipmitool
    # must reach one through /dev/ipmi0 (layers.md L1 "BMC health").
    bmc: bool | None = None


class Fabric(_Strict):
    """The fabric contract of layers.md §1.1, as the host must mirror it."""

    trust: Literal["dscp", "pcp"] | None = None
    roce_dscp: int | None = Field(default=None, ge=0, le=63)
    pfc_priority: int | None = Field(default=None, ge=0, le=7)
    ecn: bool | None = None
    cnp_dscp: int | None = Field(default=None, ge=0, le=63)
    cnp_priority: int | None = Field(default=None, ge=0, le=7)
    tos: int | None = Field(default=None, ge=0, le=255)
    mtu: int | None = Field(default=None, ge=576, le=9216)
    roce_mtu: Literal[256, 512, 1024, 2048, 4096] | None = None
    global_pause: bool | None = None


class CablingEntry(_Strict):
    node: str
    rail: str
    leaf: str
    port: str


# Kubernetes object names: an RFC 1123 label (namespaces) and the operator's resourceName charset.
_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


class Kubernetes(_Strict):
    """How the suites reach the cluster API for the L10 SR-IOV operator rows (bringup/probes/kubeapi.py).

    kubectl runs on the controller (where pytest runs) unless ``kubectl_host`` names an inventory host that
    holds the kubeconfig. ``namespace`` and ``resource_prefix`` default per ``operator``: upstream
    sriov-network-operator deploys to ``sriov-network-operator`` with prefix ``openshift.io`` (its Helm
    chart's ``resourcePrefix``); the NVIDIA Network Operator deploys it to ``nvidia-network-operator`` with
    prefix ``nvidia.com`` (its values.yaml).
    """

    kubeconfig: str | None = None  # on the kubectl host; a leading ~/ is that host's $HOME
    context: str | None = None
    kubectl_host: str | None = None
    operator: Literal["sriov-network-operator", "nvidia-network-operator"] = "sriov-network-operator"
    namespace: str | None = Field(default=None, pattern=_DNS_LABEL, max_length=63)
    resource_prefix: str | None = Field(default=None, pattern=_DNS_SUBDOMAIN)
    # rail name -> the SriovNetworkNodePolicy resourceName its VFs are advertised as (else: the policy's)
    resources: dict[str, str] = Field(default_factory=dict)
    # SriovNetworkPoolConfig rdmaMode the nodes must have; unset: not checked
    rdma_mode: Literal["exclusive", "shared"] | None = None
    # inventory host -> Kubernetes node name, where they differ (kubelet registers the hostname by default)
    node_names: dict[str, str] = Field(default_factory=dict)

    @field_validator("resources")
    @classmethod
    def _resource_names(cls, value: dict[str, str]) -> dict[str, str]:
        # The operator's webhook accepts only [a-zA-Z0-9_] in resourceName.
        bad = sorted(name for name in value.values() if not re.fullmatch(r"[A-Za-z0-9_]+", name))
        if bad:
            raise ValueError(f"resource names may hold letters, digits and '_' only: {bad}")
        return value


class HostVars(_Strict):
    """Every ``bringup_<key>`` variable a host may carry (the prefix is stripped)."""

    design: str
    profile: str = "default"
    hardware: Hardware = Hardware()
    fabric: Fabric = Fabric()
    rails: list[Rail] = []
    frontend: Frontend | None = None
    cabling_plan: str | None = None
    partition: Literal["slurm", "kubernetes"] | None = None
    expect: dict[str, Any] = Field(default_factory=dict, description="declared values for fleet-consensus checks")
    slurm: dict[str, Any] = Field(default_factory=dict)
    mpi: dict[str, Any] = Field(default_factory=dict)
    os: dict[str, Any] = Field(default_factory=dict)
    nic_stack: Literal["doca", "inbox"] | None = None
    kubernetes: Kubernetes | None = None

    @model_validator(mode="after")
    def _unique_rails(self) -> "HostVars":
        for attr in ("name", "netdev"):
            seen = [getattr(r, attr) for r in self.rails]
            dup = {v for v in seen if seen.count(v) > 1}
            if dup:
                raise ValueError(f"rails: duplicate {attr} {sorted(dup)}")
        if self.frontend and self.frontend.netdev in {r.netdev for r in self.rails}:
            raise ValueError(f"frontend: {self.frontend.netdev} is a backend rail netdev; the frontend is the "
                             f"management/bootstrap interface, not a rail")
        return self
