"""The five reference designs and the fifteen-layer registry.

The layer model and the applicability matrix come from docs/layers.md (sections 1 and 3). Optional layers
(○ in the matrix) are part of a design: their checks run and skip where the subject is absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    number: int
    slug: str
    title: str

    @property
    def folder(self) -> str:
        return f"l{self.number:02d}_{self.slug}"

    @property
    def marker(self) -> str:
        return f"l{self.number:02d}"


LAYERS: tuple[Layer, ...] = (
    Layer(1, "hardware", "Hardware & facility"),
    Layer(2, "firmware", "Firmware, BIOS & PCIe platform"),
    Layer(3, "links", "Physical links, optics & cabling"),
    Layer(4, "underlay", "Fabric underlay"),
    Layer(5, "switch_qos", "Fabric lossless QoS (switch side)"),
    Layer(6, "host_os", "Host OS & kernel"),
    Layer(7, "rdma_core", "NIC driver & RDMA core"),
    Layer(8, "host_qos", "Host lossless RoCE QoS"),
    Layer(9, "routing", "Host IP & multi-rail routing"),
    Layer(10, "sriov", "NIC virtualization (SR-IOV)"),
    Layer(11, "gpu", "GPU stack"),
    Layer(12, "gdr", "GPUDirect RDMA & topology"),
    Layer(13, "comm_libs", "Communication libraries"),
    Layer(14, "runtime", "Runtime & orchestration plumbing"),
    Layer(15, "scheduler", "Scheduler / launcher"),
)
LAYER_BY_NUMBER = {layer.number: layer for layer in LAYERS}


@dataclass(frozen=True)
class Design:
    id: str
    slug: str
    title: str
    layers: frozenset[int]
    launcher: str  # how benchmarks are launched: mpirun, srun, mpijob
    schedulers: tuple[str, ...]  # slurm, kubernetes; empty for D4
    sriov: bool
    iommu: str  # "pt-or-off" for bare-metal GDR, "on" where SR-IOV needs the IOMMU

    @property
    def uses_slurm(self) -> bool:
        return "slurm" in self.schedulers

    @property
    def uses_kubernetes(self) -> bool:
        return "kubernetes" in self.schedulers


_ALL = frozenset(range(1, 16))

DESIGNS: tuple[Design, ...] = (
    Design("D1", "k8s-sriov-roce", "Kubernetes + SR-IOV VFs + RoCE", _ALL, "mpijob", ("kubernetes",), True, "on"),
    Design("D2", "baremetal-slurm-roce", "Bare metal + Slurm + RoCE", _ALL - {10}, "srun", ("slurm",), False, "pt-or-off"),
    Design("D3", "k8s-physnic-roce", "Kubernetes + physical NIC + RoCE", _ALL - {10}, "mpijob", ("kubernetes",), False, "pt-or-off"),
    Design("D4", "baremetal-mpi-roce", "Bare metal + mpirun + RoCE", _ALL - {10}, "mpirun", (), False, "pt-or-off"),
    # D5: SR-IOV is optional (K8s side, if D1-style); its checks skip where no VFs are planned.
    Design("D5", "hybrid-k8s-slurm-roce", "Hybrid Kubernetes + Slurm over one fabric", _ALL, "srun", ("slurm", "kubernetes"), False, "per-partition"),
)
DESIGN_BY_SLUG = {d.slug: d for d in DESIGNS}
DESIGN_BY_ID = {d.id: d for d in DESIGNS}


class UnknownDesign(ValueError):
    pass


def get_design(name: str) -> Design:
    """Look a design up by slug (``baremetal-slurm-roce``) or id (``D2``)."""
    design = DESIGN_BY_SLUG.get(name) or DESIGN_BY_ID.get(name.upper())
    if design is None:
        valid = ", ".join(f"{d.slug} ({d.id})" for d in DESIGNS)
        raise UnknownDesign(f"unknown design {name!r}; expected one of: {valid}")
    return design


def parse_layer_selection(text: str) -> frozenset[int]:
    """``"1-7,13"`` -> {1..7, 13}. Raises ValueError naming the bad part."""
    selected: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = re.fullmatch(r"[lL]?(\d+)(?:-[lL]?(\d+))?", part)
        if not match:
            raise ValueError(f"--layers: {part!r} is not a layer number or range (expected e.g. 1-7,13)")
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not (1 <= low <= high <= 15):
            raise ValueError(f"--layers: {part!r} is outside 1-15")
        selected.update(range(low, high + 1))
    if not selected:
        raise ValueError("--layers: empty selection")
    return frozenset(selected)


def layer_of_path(path: str) -> Layer | None:
    """The layer whose suite folder (``suites/l06_host_os/...``) contains ``path``."""
    match = re.search(r"(?:^|[/\\])l(\d{2})_[a-z_]+(?:[/\\]|$)", path)
    return LAYER_BY_NUMBER.get(int(match.group(1))) if match else None
