"""L9 bootstrap NIC (layers.md L9: "frontend netdev reachable; NCCL_SOCKET_IFNAME / MPI OOB interface resolves
on every node"), per node: the declared frontend is up with its address, and the interface settings NCCL and
Open MPI bootstrap with select at least one up IPv4 interface on this node, using each library's own
matching rules (:mod:`bringup.checks.ifselect`). Control traffic must not ride a backend rail where a frontend exists.
"""

import pytest

from bringup.checks import ifselect
from bringup.parsers import ip_addr, mca_params, nccl_conf
from bringup.probes import bootstrap
from bringup.probes.commlibs import host_libraries


def _interfaces(facts):
    return facts.parsed("ip-addr", ip_addr.parse)


def _shown(interfaces):
    return ", ".join(f"{n} {i.operstate} {[str(a) for a in i.ipv4]}" for n, i in interfaces.items())


def _needs_host_libraries(node):
    if not host_libraries(node):
        pytest.skip(f"{node.design.id} ({node.design.slug}) ships NCCL/MPI in the container image: the pod spec, "
                    f"not {node.name}, sets their interfaces (layers.md §3, L13)")


def _no_rail(node, chosen, setting):
    """With a frontend declared, bootstrap/out-of-band sockets belong on it, never on a backend rail."""
    if node.frontend is None:
        return
    rails = {r.netdev for r in node.rails}
    on_rails = [name for name in chosen if name in rails]
    assert not on_rails, (f"{setting} on {node.name} selects backend rail netdev(s) {on_rails}; bootstrap "
                          f"traffic belongs on the frontend {node.frontend.netdev}")
    assert node.frontend.netdev in chosen, \
        f"{setting} on {node.name} selects {chosen}, not the frontend {node.frontend.netdev}"


def test_frontend_up_with_planned_address(node, facts, check):
    frontend = node.frontend
    if frontend is None:
        pytest.skip(f"inventory declares no frontend interface for {node.name} (bringup_frontend)")
    interfaces = _interfaces(facts)
    assert frontend.netdev in interfaces, f"{node.name} has no interface {frontend.netdev} (bringup_frontend.netdev)"
    found = interfaces[frontend.netdev]
    check.record(f"{found.operstate} {[str(a) for a in found.ipv4]}", f"UP {frontend.address or 'with IPv4'}")
    assert found.operstate == "UP", f"frontend {frontend.netdev} on {node.name} is {found.operstate}, not UP"
    if frontend.address is not None:
        assert frontend.address in found.ipv4, (f"frontend {frontend.netdev} on {node.name} has IPv4 "
                                                f"{[str(a) for a in found.ipv4] or 'none'}; plan: {frontend.address}")
    else:
        assert found.ipv4, f"frontend {frontend.netdev} on {node.name} has no IPv4 address"


def test_nccl_socket_ifname_resolves(node, facts, check):
    if not node.hardware.gpus:
        pytest.skip(f"inventory declares no GPUs for {node.name}: no NCCL job bootstraps there")
    _needs_host_libraries(node)
    conf = facts.parsed(bootstrap.NCCL_CONF.key, nccl_conf.parse)
    env = facts.parsed(bootstrap.NCCL_ENV.key, nccl_conf.parse)
    spec = env.get("NCCL_SOCKET_IFNAME", conf.get("NCCL_SOCKET_IFNAME"))
    if not spec:
        # Nothing declared, nothing to resolve: NCCL then picks an interface itself (ib* first, then any but
        # docker*/lo; NCCL User Guide, NCCL_SOCKET_IFNAME). layers.md L13 asks for it to be set.
        pytest.skip(f"NCCL_SOCKET_IFNAME is unset on {node.name} (/etc/nccl.conf and environment): NCCL picks its "
                    f"bootstrap interface itself")
    source = "environment" if "NCCL_SOCKET_IFNAME" in env else "/etc/nccl.conf"
    interfaces = _interfaces(facts)
    chosen = ifselect.nccl_interfaces(spec, interfaces)
    check.record(chosen, node.frontend.netdev if node.frontend else "an UP interface with IPv4")
    assert chosen, (f"NCCL_SOCKET_IFNAME={spec} ({source}) selects no UP interface with an IPv4 address on "
                    f"{node.name}: {_shown(interfaces)}")
    _no_rail(node, chosen, f"NCCL_SOCKET_IFNAME={spec} ({source})")


def _mpi_selection(node, facts, check, param):
    if not (node.hardware.gpus or node.rails):
        pytest.skip(f"inventory declares no GPUs and no rails for {node.name}: no MPI job runs there")
    _needs_host_libraries(node)
    on_node = facts.parsed("mpi-mca-params", mca_params.parse)
    declared = node.mpi.mca or {}
    if param in on_node:
        spec, source = on_node[param], f"{bootstrap.mca_file(node)} / OMPI_MCA_{param}"
    elif param in declared:
        spec, source = str(declared[param]), f"inventory bringup_mpi.mca.{param}"
    else:
        pytest.skip(f"no {param} declared for {node.name} (bringup_mpi.mca, {bootstrap.mca_file(node)}, "
                    f"OMPI_MCA_{param}): Open MPI uses every interface it finds")
    interfaces = _interfaces(facts)
    chosen = ifselect.ompi_interfaces(spec, interfaces)
    check.record(chosen, f"{param}={spec}")
    assert chosen, (f"{param}={spec} ({source}) selects no UP interface with an IPv4 address on {node.name}: "
                    f"{_shown(interfaces)}")
    return chosen, f"{param}={spec} ({source})"


def test_mpi_oob_interface_resolves(node, facts, check):
    """Open MPI 4.x's out-of-band wire-up (ORTE oob/tcp): the control channel, so the frontend's job."""
    chosen, setting = _mpi_selection(node, facts, check, "oob_tcp_if_include")
    _no_rail(node, chosen, setting)


def test_mpi_btl_tcp_interface_resolves(node, facts, check):
    """The TCP BTL carries MPI data, so rails are allowed (the lab's veth rails carry it on purpose)."""
    _mpi_selection(node, facts, check, "btl_tcp_if_include")
