"""Layer 9 judges: a rail's address, source-policy rule and table, the egress to its peer, the multi-rail
sysctls (layers.md L9), and the bootstrap interface NCCL and Open MPI select (layers.md L9 "Bootstrap NIC").

Pure: each takes parsed facts (bringup.parsers.ip_addr/ip_rule/ip_route/sysctl, the NCCL and MCA settings)
and expected values (bringup.expect.Expected) and returns the check's one Verdict; suites/l09_routing/ reads
the facts and records the verdict.
"""

from __future__ import annotations

from bringup.checks import ifselect
from bringup.checks.verdict import Verdict, decisive, equal, holds
from bringup.expect import Expected
from bringup.probes.routing import sysctl_key


def _v4(interface) -> list[str]:
    return [str(a) for a in interface.ipv4]


def rail_address(node: str, netdev: str, interfaces: dict, planned: Expected) -> Verdict:
    """Exactly the planned address on the rail netdev: a second address makes the source the kernel picks
    for the rail's traffic a matter of luck."""
    what = f"{netdev} IPv4 addresses"
    if netdev not in interfaces:
        return holds(what, False, None, str(planned.value), planned.source, f"{node} has no interface {netdev}")
    found = interfaces[netdev].ipv4
    return holds(what, found == (planned.value,), _v4(interfaces[netdev]), str(planned.value), planned.source,
                 f"{netdev} on {node} has IPv4 {_v4(interfaces[netdev]) or 'none'}; plan: {planned.value}")


def source_rule(node: str, ip: str, rules: list, table: Expected) -> Verdict:
    """One ``from <rail-ip> lookup <table>`` rule (a /32 or no prefix): two would make the table the lower
    priority one names unreachable, none sends the rail's replies by the main table."""
    mine = [r for r in rules if r.src == ip and r.srclen in (None, 32)]
    return holds(f"rules from {ip}", [r.table for r in mine] == [str(table.value)],
                 [f"{r.priority}: from {r.src} lookup {r.table}" for r in mine], f"from {ip} lookup {table.value}",
                 table.source, f"{node}: want one rule `from {ip} lookup {table.value}`, found "
                               f"{[r.table for r in mine] or 'none'}")


def table_routes_via_rail(node: str, table: int, rail: str, netdev: str, routes: list) -> Verdict:
    what = f"routes of table {table}"
    measured = [f"{r.dst} dev {r.dev}" for r in routes]
    source = f"inventory bringup_rails[{rail}].netdev"
    if not routes:
        return holds(what, False, measured, f"routes via {netdev}", source,
                     f"table {table} of {node} is empty: {rail} has no source-policy route")
    stray = [f"{r.dst} dev {r.dev}" for r in routes if r.dev != netdev]
    return holds(what, not stray, measured, f"routes via {netdev}", source,
                 f"table {table} ({rail}) routes via other interfaces: {stray}")


def egress_to_peer(src: str, peer: str, routes: list, netdev: Expected) -> Verdict:
    what = f"egress of {src} -> {peer}"
    if len(routes) != 1:
        return holds(what, False, [r.dev for r in routes], netdev.value, netdev.source,
                     f"`ip route get {peer} from {src}` printed {len(routes)} routes")
    return equal(what, routes[0].dev, netdev)


def _missing(values: dict[str, int], netdev: str, names) -> str | None:
    for name in names:
        for key in (sysctl_key("all", name), sysctl_key(netdev, name)):
            if key not in values:
                return key
    return None


def effective(values: dict[str, int], netdev: str, name: str) -> int:
    """The kernel uses max(conf/all, conf/<if>) for rp_filter, arp_ignore and arp_announce
    (Documentation/networking/ip-sysctl.rst)."""
    return max(values[sysctl_key("all", name)], values[sysctl_key(netdev, name)])


def rp_filter(netdev: str, values: dict[str, int], allowed: Expected) -> Verdict:
    what = f"effective rp_filter on {netdev}"
    if missing := _missing(values, netdev, ["rp_filter"]):
        return holds(what, False, None, allowed.value, allowed.source, f"sysctl printed no {missing}")
    measured = effective(values, netdev, "rp_filter")
    return holds(what, measured in allowed.value, measured, allowed.value, allowed.source,
                 f"effective rp_filter on {netdev} is {measured} (1 = strict drops asymmetric multi-rail replies); "
                 f"allowed {allowed.value} ({allowed.source})")


def arp_sysctls(netdev: str, values: dict[str, int], arp_ignore: Expected, arp_announce: Expected) -> Verdict:
    """arp_ignore 1 / arp_announce 2 (policy.yml): on a multi-rail host every rail shares a subnet plan, and a
    rail must neither answer ARP for another rail's address nor announce it as the source."""
    what = f"effective ARP sysctls on {netdev}"
    wanted = Expected({"arp_ignore": arp_ignore.value, "arp_announce": arp_announce.value}, arp_ignore.source)
    if missing := _missing(values, netdev, wanted.value):
        return holds(what, False, None, wanted.value, wanted.source, f"sysctl printed no {missing}")
    return equal(what, {n: effective(values, netdev, n) for n in wanted.value}, wanted)


# --- bootstrap interface (layers.md L9 "Bootstrap NIC") ---

def shown(interfaces: dict) -> str:
    return ", ".join(f"{n} {i.operstate} {_v4(i)}" for n, i in interfaces.items())


def frontend_up(node: str, frontend, interfaces: dict) -> Verdict:
    """The declared frontend (``bringup_frontend``) is UP with its planned address, or any IPv4 without one."""
    netdev = frontend.netdev
    reference, source = f"UP {frontend.address or 'with IPv4'}", "inventory bringup_frontend"
    what = f"frontend {netdev} state and IPv4"
    if netdev not in interfaces:
        return holds(what, False, None, reference, source,
                     f"{node} has no interface {netdev} (bringup_frontend.netdev)")
    found = interfaces[netdev]
    measured = f"{found.operstate} {_v4(found)}"
    up = holds(what, found.operstate == "UP", measured, reference, source,
               f"frontend {netdev} on {node} is {found.operstate}, not UP")
    if frontend.address is not None:
        addressed = holds(what, frontend.address in found.ipv4, measured, reference, source,
                          f"frontend {netdev} on {node} has IPv4 {_v4(found) or 'none'}; plan: {frontend.address}")
    else:
        addressed = holds(what, bool(found.ipv4), measured, reference, source,
                          f"frontend {netdev} on {node} has no IPv4 address")
    return decisive(up, addressed)


def nccl_setting(env: dict[str, str], conf: dict[str, str]) -> tuple[str, str] | None:
    """(NCCL_SOCKET_IFNAME, where it is set): the environment wins over /etc/nccl.conf (NCCL User Guide,
    "Environment Variables"); None where neither sets it."""
    if "NCCL_SOCKET_IFNAME" in env:
        spec, source = env["NCCL_SOCKET_IFNAME"], "environment"
    else:
        spec, source = conf.get("NCCL_SOCKET_IFNAME"), "/etc/nccl.conf"
    return (spec, source) if spec else None


def mca_setting(param: str, on_node: dict[str, str], declared: dict, mca_file: str) -> tuple[str, str] | None:
    """(value of an Open MPI MCA parameter, where it is set): the node's file or OMPI_MCA_ variable, else the
    inventory's bringup_mpi.mca; None where neither sets it (Open MPI then uses every interface)."""
    if param in on_node:
        return on_node[param], f"{mca_file} / OMPI_MCA_{param}"
    if param in declared:
        return str(declared[param]), f"inventory bringup_mpi.mca.{param}"
    return None


def _selection(node: str, setting: str, chosen: list[str], interfaces: dict, frontend,
               rail_netdevs: set[str], on_frontend: bool) -> Verdict:
    what = f"interfaces {setting.split(' (')[0]} selects"
    bound = on_frontend and frontend is not None
    reference = frontend.netdev if bound else "an UP interface with IPv4"
    verdicts = [holds(what, bool(chosen), chosen, reference, setting,
                      f"{setting} selects no UP interface with an IPv4 address on {node}: {shown(interfaces)}")]
    if bound:
        # With a frontend declared, bootstrap/out-of-band sockets belong on it, never on a backend rail.
        on_rails = [name for name in chosen if name in rail_netdevs]
        verdicts += [holds(what, not on_rails, chosen, reference, setting,
                           f"{setting} on {node} selects backend rail netdev(s) {on_rails}; bootstrap traffic "
                           f"belongs on the frontend {frontend.netdev}"),
                     holds(what, frontend.netdev in chosen, chosen, reference, setting,
                           f"{setting} on {node} selects {chosen}, not the frontend {frontend.netdev}")]
    return decisive(*verdicts)


def nccl_socket_ifname(node: str, spec: str, source: str, interfaces: dict, frontend,
                       rail_netdevs: set[str]) -> Verdict:
    """NCCL's bootstrap socket: NCCL_SOCKET_IFNAME's own matching rules (:mod:`bringup.checks.ifselect`) pick
    at least one UP IPv4 interface, the frontend where one is declared and no backend rail."""
    chosen = ifselect.nccl_interfaces(spec, interfaces)
    return _selection(node, f"NCCL_SOCKET_IFNAME={spec} ({source})", chosen, interfaces, frontend, rail_netdevs,
                      on_frontend=True)


def mpi_if_include(node: str, param: str, spec: str, source: str, interfaces: dict, frontend,
                   rail_netdevs: set[str], *, on_frontend: bool) -> Verdict:
    """Open MPI's ``<param>=<spec>`` (if_include) selects an UP IPv4 interface; ``on_frontend`` for the
    out-of-band wire-up (the control channel), not for the TCP BTL, which carries data and may use rails."""
    chosen = ifselect.ompi_interfaces(spec, interfaces)
    return _selection(node, f"{param}={spec} ({source})", chosen, interfaces, frontend, rail_netdevs, on_frontend)
