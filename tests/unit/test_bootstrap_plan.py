"""What L9 asks for the bootstrap checks: only what applies to the node, inventory values quoted."""

import shlex
from types import SimpleNamespace

from bringup.designs import get_design
from bringup.model import Frontend, Hardware, Mpi
from bringup.probes import bootstrap, routing


def _node(design="baremetal-mpi-roce", gpus=8, frontend="enp75s0f0np0", mpi=None):
    return SimpleNamespace(name="node01", rails=(), hardware=Hardware(gpus=gpus), design=get_design(design),
                           partition=None, frontend=Frontend(netdev=frontend) if frontend else None,
                           mpi=Mpi(**(mpi or {})), nic_stack=None)


def test_railless_node_with_frontend_reads_addresses_and_settings():
    keys = [p.key for p in routing.plan(_node())]
    assert keys == ["ip-addr", "nccl-conf", "nccl-env", "mpi-mca-params"]


def test_nothing_declared_nothing_asked():
    assert routing.plan(_node(gpus=0, frontend=None)) == []


def test_kubernetes_only_design_reads_only_the_frontend():
    assert [p.key for p in routing.plan(_node(design="k8s-sriov-roce"))] == ["ip-addr"]


def test_bundle_mca_file_is_quoted():
    path = "/opt/hpcx $(reboot)"
    probe = bootstrap.mca_params(_node(mpi={"bundle_path": path}))
    assert shlex.quote(f"{path}/etc/openmpi-mca-params.conf") in probe.command
    assert bootstrap.mca_file(_node()) == "/etc/openmpi/openmpi-mca-params.conf"
