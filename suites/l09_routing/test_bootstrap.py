"""L9 bootstrap NIC (layers.md L9: "frontend netdev reachable; NCCL_SOCKET_IFNAME / MPI OOB interface resolves
on every node"), per node: the declared frontend is up with its address, and the interface settings NCCL and
Open MPI bootstrap with select at least one up IPv4 interface on this node, using each library's own
matching rules (:mod:`bringup.checks.ifselect`). Control traffic must not ride a backend rail where a frontend exists.
"""

import pytest

from bringup.checks import l09_routing as judge
from bringup.probes import bootstrap, routing
from bringup.probes.commlibs import host_libraries


def _needs_host_libraries(node):
    if not host_libraries(node):
        pytest.skip(f"{node.design.id} ({node.design.slug}) ships NCCL/MPI in the container image: the pod spec, "
                    f"not {node.name}, sets their interfaces (layers.md §3, L13)")


def _rails(node):
    return {r.netdev for r in node.rails}


def test_frontend_up_with_planned_address(node, facts, check):
    if node.frontend is None:
        pytest.skip(f"inventory declares no frontend interface for {node.name} (bringup_frontend)")
    check(judge.frontend_up(node.name, node.frontend, facts.get(routing.IP_ADDR)))


def test_nccl_socket_ifname_resolves(node, facts, check):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}: no NCCL job bootstraps there")
    _needs_host_libraries(node)
    setting = judge.nccl_setting(facts.get(bootstrap.NCCL_ENV), facts.get(bootstrap.NCCL_CONF))
    if setting is None:
        # Nothing declared, nothing to resolve: NCCL then picks an interface itself (ib* first, then any but
        # docker*/lo; NCCL User Guide, NCCL_SOCKET_IFNAME). layers.md L13 asks for it to be set.
        pytest.skip(f"NCCL_SOCKET_IFNAME is unset on {node.name} (/etc/nccl.conf and environment): NCCL picks its "
                    f"bootstrap interface itself")
    spec, source = setting
    check(judge.nccl_socket_ifname(node.name, spec, source, facts.get(routing.IP_ADDR), node.frontend,
                                   _rails(node)))


def _mpi_selection(node, facts, param, *, on_frontend):
    if not (node.hardware.gpus or node.rails):
        pytest.skip(f"inventory declares no GPUs and no rails for {node.name}: no MPI job runs there")
    _needs_host_libraries(node)
    setting = judge.mca_setting(param, facts.get(bootstrap.mca_params(node)), node.mpi.mca or {},
                                bootstrap.mca_file(node))
    if setting is None:
        pytest.skip(f"no {param} declared for {node.name} (bringup_mpi.mca, {bootstrap.mca_file(node)}, "
                    f"OMPI_MCA_{param}): Open MPI uses every interface it finds")
    spec, source = setting
    return judge.mpi_if_include(node.name, param, spec, source, facts.get(routing.IP_ADDR), node.frontend,
                                _rails(node), on_frontend=on_frontend)


def test_mpi_oob_interface_resolves(node, facts, check):
    """Open MPI 4.x's out-of-band wire-up (ORTE oob/tcp): the control channel, so the frontend's job."""
    check(_mpi_selection(node, facts, "oob_tcp_if_include", on_frontend=True))


def test_mpi_btl_tcp_interface_resolves(node, facts, check):
    """The TCP BTL carries MPI data, so rails are allowed (the lab's veth rails carry it on purpose)."""
    check(_mpi_selection(node, facts, "btl_tcp_if_include", on_frontend=False))
