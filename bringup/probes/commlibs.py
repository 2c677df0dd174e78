"""Layer 13 probes: NCCL, UCX and Open MPI versions and capabilities, and the NCCL environment contract.

NCCL is found the way the dynamic loader finds it (``ldconfig -p``); the version is the literal
``NCCL version x.y.z+cudaX.Y`` string compiled into the library (what ``strings libnccl.so`` shows). A node
without ``libnccl.so`` answers rc 127, like a missing command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bringup.parsers import nccl_conf, nccl_version, ompi_info, ucx_info_devices, ucx_info_version
from bringup.probe.prober import ProbeError
from bringup.probes import Probe
from bringup.probes.gdr import NCCL_CONF_COMMAND, NCCL_ENV_COMMAND

if TYPE_CHECKING:
    from bringup.inventory import Node
    from bringup.probe.prober import ProbeSet

NCCL_VERSION = Probe(
    "nccl-version",
    "lib=$(ldconfig -p 2>/dev/null | awk '/libnccl\\.so/ {print $NF; exit}'); "
    "if [ -z \"$lib\" ]; then echo 'libnccl.so: not in the ldconfig cache' >&2; exit 127; fi; "
    "grep -a -o -m1 'NCCL version [0-9][^[:space:]]*' \"$lib\" | head -n1",
    parser=nccl_version.parse,
)
UCX_VERSION = Probe("ucx-version", "ucx_info -v", parser=ucx_info_version.parse)
UCX_DEVICES = Probe("ucx-devices", "ucx_info -d", parser=ucx_info_devices.parse)
OMPI_VERSION = Probe("ompi-version", "ompi_info --version", parser=ompi_info.parse)
OMPI_INFO = Probe("ompi-info", "ompi_info", parser=ompi_info.parse)
NCCL_CONF = Probe("nccl-conf", NCCL_CONF_COMMAND, parser=nccl_conf.parse)
NCCL_ENV = Probe("nccl-env", NCCL_ENV_COMMAND, parser=nccl_conf.parse)


def nccl(facts: "ProbeSet") -> nccl_version.NcclVersion:
    """The NCCL library's version; a node whose loader cache holds no libnccl.so (the probe's rc 127) is a
    ProbeError naming it, not a parse of the empty output."""
    result = facts.result(NCCL_VERSION.key)
    if result.not_found:
        raise ProbeError(f"libnccl.so not installed on {facts.node} ({result.stderr.strip()})")
    return facts.get(NCCL_VERSION)


def nccl_settings(facts: "ProbeSet") -> dict[str, str]:
    """The NCCL variables a job starts with: /etc/nccl.conf, overridden by the session environment (NCCL reads
    the file only for variables the environment does not set)."""
    return {**facts.get(NCCL_CONF), **facts.get(NCCL_ENV)}


def host_libraries(node: "Node") -> bool:
    """Kubernetes-only nodes carry the libraries in the container image (layers.md §3, L13 ◐ "in image")."""
    if node.partition:
        return node.partition == "slurm"
    return not (node.design.uses_kubernetes and not node.design.uses_slurm)


def plan(node: "Node") -> list[Probe]:
    # The pairwise perftest runs and the NCCL job are benchmarks now (bringup/bench: one disjoint pair at a
    # time per node, judged against baselines/; the Ring all_reduce's INIT,NET log serves bringup/checks/nccl.py).
    if not (node.hardware.gpus or node.rails) or not host_libraries(node):
        return []
    return [NCCL_VERSION, UCX_VERSION, UCX_DEVICES, OMPI_VERSION, OMPI_INFO, NCCL_CONF, NCCL_ENV]
