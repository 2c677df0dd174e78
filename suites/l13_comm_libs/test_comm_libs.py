"""L13 communication libraries: NCCL/UCX/Open MPI identical fleet-wide, UCX transports on every rail, and the
NCCL environment contract of /etc/nccl.conf plus the session environment (layers.md L13).
"""

import pytest

from bringup import expect
from bringup.checks import fleet_identical
from bringup.checks import l13_comm_libs as judge
from bringup.probes import commlibs
from bringup.probes.commlibs import host_libraries


def _needs_libs(node):
    if not (node.hardware.gpus or node.rails):
        pytest.skip(f"inventory declares no GPUs and no rails for {node.name}: nothing for NCCL/MPI to use")
    if not host_libraries(node):
        pytest.skip(f"{node.design.id} ({node.design.slug}) ships NCCL/UCX/MPI in the container image, "
                    f"not on {node.name} (layers.md §3, L13)")


def _needs_nccl(node):
    _needs_libs(node)
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}: NCCL has no device to run on")


def _needs_rdma(node):
    _needs_libs(node)
    if not any(r.rdma_device for r in node.rails):
        pytest.skip(f"inventory declares no RDMA device on the rails of {node.name}: UCX and the UCX PML "
                    f"have no RDMA transport to use")


def test_nccl_version_identical_fleet_wide(node, facts, fleet, check):
    _needs_nccl(node)
    commlibs.nccl(facts)
    values = fleet(lambda f: f.get(commlibs.NCCL_VERSION).version)
    check(fleet_identical("NCCL", node.name, values, expect.declared(node, "nccl_version")))


def test_ucx_version_identical_fleet_wide(node, facts, fleet, check):
    _needs_rdma(node)
    facts.get(commlibs.UCX_VERSION)
    values = fleet(lambda f: f.get(commlibs.UCX_VERSION).version)
    check(fleet_identical("UCX", node.name, values, expect.declared(node, "ucx_version")))


def test_openmpi_version_identical_fleet_wide(node, facts, fleet, check):
    _needs_libs(node)
    facts.get(commlibs.OMPI_VERSION)
    values = fleet(lambda f: f.get(commlibs.OMPI_VERSION).version)
    check(fleet_identical("Open MPI", node.name, values, expect.declared(node, "ompi_version")))


def test_openmpi_has_required_components(node, facts, check):
    _needs_rdma(node)
    check(judge.openmpi_components(node.name, facts.get(commlibs.OMPI_INFO),
                                   expect.declared(node, "ompi_components")))


def test_ucx_transports_on_rail(node, rail, facts, check):
    _needs_rdma(node)
    if not rail.rdma_device:
        pytest.skip(f"inventory declares no RDMA device for {node.name} {rail.name}")
    check(judge.ucx_rail_transports(node.name, f"{rail.rdma_device}:1", facts.get(commlibs.UCX_DEVICES),
                                    expect.declared(node, "ucx_rail_transports")))


def test_nccl_ib_hca_covers_rail(node, rail, facts, check):
    _needs_nccl(node)
    if not rail.rdma_device:
        pytest.skip(f"inventory declares no RDMA device for {node.name} {rail.name}")
    check(judge.nccl_ib_hca_selects(node.name, commlibs.nccl_settings(facts), rail.name, rail.rdma_device))


def test_nccl_ib_tc_matches_fabric(node, facts, check):
    _needs_nccl(node)
    if node.fabric.tos is None:
        pytest.skip(f"inventory declares no fabric ToS (bringup_fabric.tos) for {node.name}")
    tos = expect.Expected(node.fabric.tos, "inventory bringup_fabric.tos")
    check(judge.nccl_ib_tc(commlibs.nccl_settings(facts), tos))


def test_nccl_tuning_overrides_unset(node, facts, check):
    _needs_nccl(node)
    check(judge.nccl_tuning_unset(node.name, commlibs.nccl_settings(facts),
                                  expect.declared(node, "nccl_forbidden_env")))


def test_nccl_debug_not_persisted(node, facts, check):
    _needs_nccl(node)
    check(judge.nccl_debug_unset(node.name, commlibs.nccl_settings(facts), expect.declared(node, "nccl_debug_env")))


def test_nccl_gid_index_fits_version(node, facts, check):
    _needs_nccl(node)
    check(judge.nccl_gid_index(commlibs.nccl(facts), commlibs.nccl_settings(facts),
                               expect.declared(node, "nccl_auto_gid_version"),
                               expect.declared(node, "nccl_legacy_gid_index")))
