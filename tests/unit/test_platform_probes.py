"""Probe plans of layers 2, 11, 12, 13: quoting of inventory values and skips for absent subjects."""

from __future__ import annotations

import shlex
from pathlib import Path

from bringup.inventory import load_inventory
from bringup.probes import commlibs, gdr, gpu, platform

H100 = Path(__file__).resolve().parents[1] / "scenarios" / "h100" / "inventory"


def _node(name="node01", inventory=H100):
    return load_inventory(str(inventory)).node(name)


def test_mlxconfig_address_is_quoted_per_rail():
    node = _node()
    probes = {p.key: p.command for p in platform.plan(node)}
    for rail in node.rails:
        command = probes[f"mlxconfig@{rail.name}"]
        assert shlex.split(command) == ["mlxconfig", "-d", rail.pci, "q"]


def test_gpu_probes_follow_declared_gpus():
    node = _node()
    assert {p.key for p in gpu.plan(node)} == {"nvidia-smi-xml", "nvlink", "fabricmanager", "dmesg-xid", "dcgmi-diag"}
    assert "gpu-pcie" in {p.key for p in platform.plan(node)}
    local = load_inventory("local").nodes[0]
    assert gpu.plan(local) == [] and gdr.plan(local) == [] and commlibs.plan(local) == []
    assert "gpu-pcie" not in {p.key for p in platform.plan(local)}


def test_dcgm_level_comes_from_policy():
    assert gpu.dcgm_probe(_node()).command == "dcgmi diag -r 1 -j"


def test_comm_libs_live_in_the_image_on_kubernetes_designs():
    node = load_inventory(str(H100), "k8s-sriov-roce").nodes[0]
    library_probes = {"nccl-version", "ucx-version", "ucx-devices", "ompi-version", "ompi-info", "nccl-conf", "nccl-env"}
    assert not commlibs.host_libraries(node)
    # only the traffic rows remain (this inventory declares the ssh mesh they need)
    assert not library_probes & {p.key for p in commlibs.plan(node)}
    assert commlibs.host_libraries(_node())
