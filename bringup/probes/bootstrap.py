"""Layer 9 bootstrap-interface probes (layers.md L9 "Bootstrap NIC"): the frontend netdev, what NCCL's
bootstrap socket and Open MPI's TCP wire-up are told to use, and (shared with the rail checks) ``ip -j addr``.

NCCL reads ``/etc/nccl.conf`` and then the environment, which wins (NCCL User Guide, "Environment
Variables"); the same two commands as layers 12/13 are recorded under this layer's own keys. Open MPI 4.x
reads ``openmpi-mca-params.conf`` from its sysconfdir (Debian's packages: ``/etc/openmpi``; a bundle at
``bringup_mpi.bundle_path``: ``<prefix>/etc``), then ``OMPI_MCA_*`` variables, which win (Open MPI FAQ,
"How do I set the value of MCA parameters?"). The per-user ``~/.openmpi/mca-params.conf`` belongs to whoever
launches the job and is not read. Every inventory value is quoted before it reaches the shell.
"""

from __future__ import annotations

from shlex import quote
from typing import TYPE_CHECKING

from bringup.parsers import mca_params as mca_params_parser
from bringup.probes import Probe
from bringup.probes.commlibs import NCCL_CONF, NCCL_ENV, host_libraries

if TYPE_CHECKING:
    from bringup.inventory import Node

# NCCL_CONF and NCCL_ENV are L13's probes (same key, command and parser): a recorded nccl.conf (or a fault
# overlay on it) is one file for both layers.

DEBIAN_MCA_FILE = "/etc/openmpi/openmpi-mca-params.conf"


def mca_file(node: "Node") -> str:
    bundle = node.mpi.bundle_path
    return f"{str(bundle).rstrip('/')}/etc/openmpi-mca-params.conf" if bundle else DEBIAN_MCA_FILE


def mca_params(node: "Node") -> Probe:
    # An absent file sets nothing (rc 0, no output); grep's rc 1 (no OMPI_MCA_ variable) is an answer too.
    path = quote(mca_file(node))
    return Probe("mpi-mca-params", f"if [ -e {path} ]; then cat {path} || exit 2; fi; "
                                   "env | grep '^OMPI_MCA_'; test $? -le 1",
                 parser=mca_params_parser.parse)


def runs_nccl(node: "Node") -> bool:
    """NCCL runs on the host only where there are GPUs and the libraries live on the host (not in an image)."""
    return bool(node.hardware.gpus) and host_libraries(node)


def runs_mpi(node: "Node") -> bool:
    return bool(node.hardware.gpus or node.rails) and host_libraries(node)


def plan(node: "Node") -> list[Probe]:
    """The bootstrap probes, without ``ip -j addr`` (the L9 plan adds it once for rails and frontend)."""
    probes = []
    if runs_nccl(node):
        probes += [NCCL_CONF, NCCL_ENV]
    if runs_mpi(node):
        probes.append(mca_params(node))
    return probes
