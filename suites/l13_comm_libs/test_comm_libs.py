"""L13 communication libraries: NCCL/UCX/Open MPI identical fleet-wide, UCX transports on every rail, and the
NCCL environment contract of /etc/nccl.conf plus the session environment (layers.md L13).
"""

import pytest

from bringup import expect
from bringup.parsers import nccl_conf, nccl_version, ompi_info, ucx_info_devices, ucx_info_version
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


def _nccl(facts, node):
    result = facts.result("nccl-version")
    assert not result.not_found, f"libnccl.so not installed on {node.name} ({result.stderr.strip()})"
    return facts.parsed("nccl-version", nccl_version.parse).version


def _nccl_settings(facts):
    return {**facts.parsed("nccl-conf", nccl_conf.parse), **facts.parsed("nccl-env", nccl_conf.parse)}


def test_nccl_version_identical_fleet_wide(node, facts, fleet, check):
    _needs_nccl(node)
    _nccl(facts, node)
    values = fleet(lambda f: f.parsed("nccl-version", nccl_version.parse).version)
    check.fleet_identical("NCCL", node.name, values, expect.declared(node, "nccl_version"))


def test_ucx_version_identical_fleet_wide(node, facts, fleet, check):
    _needs_rdma(node)
    facts.parsed("ucx-version", ucx_info_version.parse)
    values = fleet(lambda f: f.parsed("ucx-version", ucx_info_version.parse).version)
    check.fleet_identical("UCX", node.name, values, expect.declared(node, "ucx_version"))


def test_openmpi_version_identical_fleet_wide(node, facts, fleet, check):
    _needs_libs(node)
    facts.parsed("ompi-version", ompi_info.parse)
    values = fleet(lambda f: f.parsed("ompi-version", ompi_info.parse).version)
    check.fleet_identical("Open MPI", node.name, values, expect.declared(node, "ompi_version"))


def test_openmpi_has_required_components(node, facts, check):
    _needs_rdma(node)
    info = facts.parsed("ompi-info", ompi_info.parse)
    wanted = expect.declared(node, "ompi_components")
    missing = [c for c in wanted.value if not info.has(*c.split(":", 1))]
    check.record(missing or "all present", wanted.value)
    assert not missing, f"Open MPI {info.version} on {node.name} lacks {', '.join(missing)} ({wanted.source})"


def test_ucx_transports_on_rail(node, rail, facts, check):
    _needs_rdma(node)
    if not rail.rdma_device:
        pytest.skip(f"inventory declares no RDMA device for {node.name} {rail.name}")
    devices = facts.parsed("ucx-devices", ucx_info_devices.parse)
    port = f"{rail.rdma_device}:1"
    wanted = expect.declared(node, "ucx_rail_transports")
    have = devices.get(port, [])
    missing = [t for t in wanted.value if t not in have]
    check.record(have, wanted.value)
    assert not missing, f"UCX on {node.name} offers {have or 'nothing'} on {port}, missing {missing} ({wanted.source})"


def test_nccl_ib_hca_covers_rail(node, rail, facts, check):
    _needs_nccl(node)
    if not rail.rdma_device:
        pytest.skip(f"inventory declares no RDMA device for {node.name} {rail.name}")
    spec = _nccl_settings(facts).get("NCCL_IB_HCA")
    check.record(spec, f"selects {rail.rdma_device}")
    assert spec is not None, f"NCCL_IB_HCA is not set on {node.name}: NCCL may pick the frontend NIC"
    assert nccl_conf.hca_matches(spec, rail.rdma_device), \
        f"NCCL_IB_HCA={spec} does not select {rail.name} device {rail.rdma_device}"


def test_nccl_ib_tc_matches_fabric(node, facts, check):
    _needs_nccl(node)
    if node.fabric.tos is None:
        pytest.skip(f"inventory declares no fabric ToS (bringup_fabric.tos) for {node.name}")
    value = _nccl_settings(facts).get("NCCL_IB_TC")
    check.equal("NCCL_IB_TC", int(value) if value and value.isdigit() else value,
                expect.Expected(node.fabric.tos, "inventory bringup_fabric.tos"))


def test_nccl_tuning_overrides_unset(node, facts, check):
    _needs_nccl(node)
    forbidden = expect.declared(node, "nccl_forbidden_env")
    settings = _nccl_settings(facts)
    found = {k: settings[k] for k in forbidden.value if k in settings}
    check.record(found or "unset", "unset")
    assert not found, (f"{', '.join(f'{k}={v}' for k, v in found.items())} persisted on {node.name}; "
                       f"production jobs must let NCCL tune ({forbidden.source})")


def test_nccl_debug_not_persisted(node, facts, check):
    _needs_nccl(node)
    debug = expect.declared(node, "nccl_debug_env")
    settings = _nccl_settings(facts)
    found = {k: settings[k] for k in debug.value if k in settings}
    check.record(found or "unset", "unset")
    assert not found, f"debug settings persisted on {node.name}: {found} ({debug.source})"


def test_nccl_gid_index_fits_version(node, facts, check):
    _needs_nccl(node)
    version = facts.parsed("nccl-version", nccl_version.parse)
    auto = expect.declared(node, "nccl_auto_gid_version")
    legacy = expect.declared(node, "nccl_legacy_gid_index")
    value = _nccl_settings(facts).get("NCCL_IB_GID_INDEX")
    if version.as_tuple >= tuple(int(p) for p in str(auto.value).split(".")):
        check.record(value or "unset", f"unset, -1 or {legacy.value}")
        assert value in (None, "-1", str(legacy.value)), \
            f"NCCL {version.version} picks the RoCE v2 GID itself; NCCL_IB_GID_INDEX={value} pins another " \
            f"({auto.source})"
    else:
        check.record(value or "unset", str(legacy.value))
        assert value == str(legacy.value), (f"NCCL {version.version} (< {auto.value}) uses GID index 0 unless told: "
                                            f"NCCL_IB_GID_INDEX={value or 'unset'}, expected {legacy.value} "
                                            f"({legacy.source})")
