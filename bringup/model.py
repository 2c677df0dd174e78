"""Schemas of the project's inventory variables (``bringup_*``).

The same variables drive the playbooks (what to apply) and the suites (what to expect). A value left out is
not defaulted here: the suites then expect the fleet majority (see :mod:`bringup.expect`). Ranges follow the
standards: DSCP is 6 bits, 802.1p priority 3 bits, IPv4 ToS 8 bits, RoCE path MTU one of the IB MTUs.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator


# A control character (NUL, newline, ESC...) has no business in any inventory value: NUL cannot travel in an
# argv at all, and a newline would split the framed probe script (bringup/probe/batch.py) or a report line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _control_character(value: Any, where: str = "") -> str | None:
    """Where in ``value`` (a string, or plain containers of them) a control character sits, and which."""
    if isinstance(value, str):
        found = _CONTROL.search(value)
        return f"control character {found.group()!r}{' in ' + where if where else ''} not allowed" if found else None
    if isinstance(value, dict):
        items = [(f"{where}.{k}" if where else str(k), v) for k, v in value.items()]
        items += [(f"{where} key" if where else "key", k) for k in value]
    elif isinstance(value, (list, tuple)):
        items = [(f"{where}[{i}]", v) for i, v in enumerate(value)]
    else:
        return None
    return next((problem for w, v in items if (problem := _control_character(v, w))), None)


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in get_args(annotation))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and _holds_model(field.annotation) and not isinstance(value, str):
            return value  # the nested model checks its own fields, naming each
        problem = _control_character(value)
        if problem:
            raise ValueError(problem)
        return value


# Host names (inventory hosts, ansible_host, Kubernetes node names): RFC 1123 section 2.1 labels (letters,
# digits and '-', not first or last, 1-63 characters), dot-separated, at most 253 characters. A name that
# starts with '-' would be read as an option by ssh, srun, scontrol or kubectl; one with a shell
# metacharacter is not a host name at all.
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_NAME = re.compile(rf"^{_HOST_LABEL}(?:\.{_HOST_LABEL})*$")


def host_name_problem(name: str) -> str | None:
    """Why ``name`` is not an RFC 1123 host name (None when it is one)."""
    if not isinstance(name, str) or not name:
        return "empty"
    if len(name) > 253:
        return f"{len(name)} characters, more than 253"
    if not HOST_NAME.fullmatch(name):  # fullmatch: `$` alone would let a trailing newline through
        return ("not an RFC 1123 host name: dot-separated labels of letters, digits and '-' "
                "(not first or last), 1-63 characters each")
    return None


# Linux dev_valid_name(): 1-15 bytes, not "." or "..", no '/', ':' or whitespace. Anything else the kernel
# accepts, so the probes must still quote every netdev before it reaches a shell. A leading '-' the kernel
# allows too, but ethtool, ip and ping would read it as an option: no real interface is named so.
_NETDEV = re.compile(r"^(?!\.{1,2}$)(?!-)[^/:\s]{1,15}$")
# RDMA device names (mlx5_0, rocep23s0f0): they end up in sysfs/configfs paths and after -d, so never a
# leading '-' or '.' (no "..", no option).
_RDMA_DEVICE = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
# An absolute path, as the playbooks install to (bringup_mpi.bundle_path, benchmarks_prefix).
_ABS_PATH = r"^/[^\x00-\x1f\x7f]*$"


class Rail(_Strict):
    """One backend NIC port of a node: rail i is cabled to leaf i."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", max_length=64)
    netdev: str
    address: ipaddress.IPv4Interface | None = None
    rdma_device: str | None = Field(default=None, pattern=_RDMA_DEVICE, max_length=64)  # IB_DEVICE_NAME_MAX
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
            raise ValueError("a Linux interface name: 1-15 characters without '/', ':' or whitespace, "
                             "not starting with '-'")
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
    kubectl_host: str | None = None  # an inventory host (checked against the inventory when the run starts)
    operator: Literal["sriov-network-operator", "nvidia-network-operator"] = "sriov-network-operator"
    namespace: str | None = Field(default=None, pattern=_DNS_LABEL, max_length=63)
    resource_prefix: str | None = Field(default=None, pattern=_DNS_SUBDOMAIN)
    # rail name -> the SriovNetworkNodePolicy resourceName its VFs are advertised as (else: the policy's)
    resources: dict[str, str] = Field(default_factory=dict)
    # SriovNetworkPoolConfig rdmaMode the nodes must have; unset: not checked
    rdma_mode: Literal["exclusive", "shared"] | None = None
    # inventory host -> Kubernetes node name, where they differ (kubelet registers the hostname by default)
    node_names: dict[str, str] = Field(default_factory=dict)

    @field_validator("node_names")
    @classmethod
    def _node_names(cls, value: dict[str, str]) -> dict[str, str]:
        # A Kubernetes node name is a DNS subdomain (RFC 1123, lower case, at most 253 characters); it reaches
        # `kubectl get node NAME`, where anything starting with '-' would be a flag (--kubeconfig=...).
        bad = sorted(name for name in value.values()
                     if not (isinstance(name, str) and len(name) <= 253 and re.fullmatch(_DNS_SUBDOMAIN, name)))
        if bad:
            raise ValueError(f"Kubernetes node names are DNS subdomains (lower-case letters, digits, '-' and '.', "
                             f"starting and ending with a letter or digit): {bad}")
        return value

    @field_validator("resources")
    @classmethod
    def _resource_names(cls, value: dict[str, str]) -> dict[str, str]:
        # The operator's webhook accepts only [a-zA-Z0-9_] in resourceName.
        bad = sorted(name for name in value.values() if not re.fullmatch(r"[A-Za-z0-9_]+", name))
        if bad:
            raise ValueError(f"resource names may hold letters, digits and '_' only: {bad}")
        return value


def _version_text(value: Any) -> Any:
    """YAML reads ``5.10`` as the number 5.1: a version must be written quoted, or it is silently another."""
    if isinstance(value, float):
        raise ValueError(f"a version is text: write it quoted (YAML reads the number {value!r}, which may not be "
                         f"what was meant, e.g. 5.10 becomes 5.1)")
    return value


Version = Annotated[str, BeforeValidator(_version_text), Field(pattern=r"^[0-9]+(\.[0-9]+)*$")]
# A version or build string a tool prints (kernel release, firmware, driver): any text on one line.
Text = Annotated[str, BeforeValidator(_version_text), Field(min_length=1, max_length=256)]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Word = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$", max_length=128)]
# int | float keeps a declared 3 as 3 (messages show what the inventory says), 0.95 as 0.95.
Number = int | float
Fraction = Annotated[Number, Field(gt=0, le=1)]
# ipmitool prints SEL record ids in hex ("1a"); YAML may give the number itself (0x1a).
SelId = int | Annotated[str, Field(pattern=r"^[0-9A-Fa-f]{1,8}$")]
NetnsMode = Literal["shared", "exclusive"]


class SriovPolicy(_Strict):
    """What every SriovNetworkNodePolicy must set (sriov-network-operator API, SriovNetworkNodePolicySpec);
    the L10 Policy row compares the keys declared (a declaration replaces the policy's whole mapping)."""

    deviceType: Literal["netdevice", "vfio-pci"] | None = None
    isRdma: bool | None = None
    linkType: Literal["eth", "ib"] | None = None


class Expect(_Strict):
    """``bringup_expect``: the values a site declares instead of the policy (bringup/policy.yml) or the fleet
    majority. Every key the suites and probes read is here, typed; a key that is not is a typo, and loading
    stops naming the file and the key. ``Node.expect`` holds only the keys the inventory set, so
    ``key in node.expect`` still means "declared by the inventory"."""

    # Fabric contract (layers.md §1.1), where bringup_fabric leaves a value out: the same ranges as Fabric.
    trust: Literal["dscp", "pcp"] | None = None
    roce_dscp: int | None = Field(default=None, ge=0, le=63)
    pfc_priority: int | None = Field(default=None, ge=0, le=7)
    ecn: bool | None = None
    cnp_dscp: int | None = Field(default=None, ge=0, le=63)
    cnp_priority: int | None = Field(default=None, ge=0, le=7)
    tos: int | None = Field(default=None, ge=0, le=255)  # IPv4 ToS byte; reaches perftest as --tclass=<int>
    roce_mtu: Literal[256, 512, 1024, 2048, 4096] | None = None
    global_pause: bool | None = None
    # false: no host pair benchmarks (perftest, iperf3; bringup/bench/launchers.py). The launch mesh (L14/L15).
    traffic_checks: bool | None = None
    ssh_mesh: bool | None = None
    roce_gid_index: int | None = Field(default=None, ge=0, le=255)  # perftest -x: an index of the port GID table
    traffic_proof_seconds: int | None = Field(default=None, ge=1, le=3600)
    traffic_proof_min_share: Fraction | None = None
    perftest_seconds: int | None = Field(default=None, ge=1, le=3600)
    perftest_min_line_fraction: Fraction | None = None
    perftest_max_latency_us: Annotated[Number, Field(gt=0)] | None = None
    perftest_outlier_sigma: Annotated[Number, Field(gt=0)] | None = None
    gdr_max_gap: Fraction | None = None
    rail_bandwidth_gbps: Annotated[Number, Field(gt=0)] | None = None
    slurm_mpi: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")  # an `srun --mpi=list` plugin name
    # L1
    cpus: int | None = Field(default=None, ge=1)
    gpu_vbios: Text | None = None
    gpu_power_limit_w: Annotated[Number, Field(gt=0)] | None = None
    nic_firmware: Text | None = None
    bmc_sel_baseline_id: SelId | dict[str, SelId] | None = None  # one id, or {host: id}
    # L2
    pcie_link_gen: int | None = Field(default=None, ge=1, le=6)
    pcie_link_width: Literal[1, 2, 4, 8, 16, 32] | None = None
    nic_max_read_request: Literal[128, 256, 512, 1024, 2048, 4096] | None = None  # PCIe MaxReadReq sizes
    mlxconfig: dict[Word, str | bool | int] | None = None
    mlxconfig_iommu_passthrough: dict[Word, str | bool | int] | None = None
    mlxconfig_sriov: dict[Word, str | bool | int] | None = None
    bios_version: Text | None = None
    # L3
    duplex: Word | None = None
    fec: Word | None = None
    max_symbol_errors: int | None = Field(default=None, ge=0)
    max_effective_ber: Annotated[Number, Field(ge=0)] | None = None
    max_raw_ber: Annotated[Number, Field(ge=0)] | None = None
    # L6
    kernel: Text | None = None
    os: Text | None = None
    memlock: Literal["unlimited", "any"] | Annotated[int, Field(ge=0)] | None = None  # KiB, as `ulimit -l`
    cpu_governor: Word | None = None  # a cpufreq governor, or "any"
    tuned_profile: Word | list[Word] | None = None  # a profile, a list of them, or "any"
    time_sync: Literal["required", "not_required"] | None = None
    time_max_offset_s: Annotated[Number, Field(ge=0)] | None = None
    # L7
    rdma_stack: Text | None = None
    rdma_modules: list[Word] | None = None
    roce_mode: Literal["RoCE v2", "IB/RoCE v1"] | None = None  # configfs default_roce_mode wording
    rdma_netns: NetnsMode | dict[Word, NetnsMode] | None = None  # a mode, or {design slug: mode}
    # L9 (ip-sysctl.rst ranges)
    rp_filter: list[Literal[0, 1, 2]] | None = None
    arp_ignore: int | None = Field(default=None, ge=0, le=8)
    arp_announce: int | None = Field(default=None, ge=0, le=2)
    # L10
    eswitch_mode: Literal["legacy", "switchdev"] | None = None
    sriov_sync_status: Literal["Succeeded", "InProgress", "Failed"] | None = None
    sriov_policy: SriovPolicy | None = None
    # L11
    gpu_driver: Text | None = None
    gpu_fabric_state: Word | None = None
    gpu_fabric_status: Word | None = None
    fabric_manager_state: Word | None = None
    nvlinks_per_gpu: int | None = Field(default=None, ge=0)
    xid_ignore: list[Annotated[int, Field(ge=0)]] | None = None
    aer_corrected_max: int | None = Field(default=None, ge=0)  # policy.yml; bringup/kernel_events.py
    gpu_persistence_mode: Literal["Enabled", "Disabled"] | None = None
    dcgm_diag_level: int | None = Field(default=None, ge=1, le=4)  # dcgmi diag -r 1..4
    # L12
    gpu_nic_topology: list[Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9#]*$")]] | None = None
    dmabuf_min_kernel: Version | None = None
    nccl_gdr_forbidden_env: list[EnvName] | None = None
    # L13
    nccl_version: Text | None = None
    ucx_version: Text | None = None
    ompi_version: Text | None = None
    ompi_components: list[Annotated[str, Field(pattern=r"^[a-z0-9_]+:[a-z0-9_]+$")]] | None = None
    ucx_rail_transports: list[Word] | None = None
    nccl_forbidden_env: list[EnvName] | None = None
    nccl_debug_env: list[EnvName] | None = None
    nccl_auto_gid_version: Version | None = None
    nccl_legacy_gid_index: int | None = Field(default=None, ge=0, le=255)

    def declared(self) -> dict[str, Any]:
        """The keys the inventory set, as plain values (what ``Node.expect`` holds)."""
        return self.model_dump(exclude_unset=True)


class Mpi(BaseModel):
    """``bringup_mpi``: the playbooks read many keys (mca, slots, benchmarks...); the two paths the probes put
    in a command are typed here, the rest pass through."""

    model_config = ConfigDict(extra="allow", frozen=True)

    bundle_path: str | None = Field(default=None, pattern=_ABS_PATH)
    benchmarks_prefix: str | None = Field(default=None, pattern=_ABS_PATH)
    mca: dict[str, Any] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        problem = _control_character(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _plain_extras(self) -> "Mpi":
        problem = _control_character(self.model_extra or {})
        if problem:
            raise ValueError(problem)
        return self


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
    expect: Expect = Expect()
    slurm: dict[str, Any] = Field(default_factory=dict)
    mpi: Mpi = Mpi()
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
