"""The L9 judges on real captures (the recorded H100 node01's ip -j addr/rule/route, sysctl, Open MPI MCA file
and NCCL settings): each passes on the healthy capture and fails, for the right reason, on the capture changed
as a fault would."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from bringup.checks import l09_routing as judge
from bringup.expect import Expected
from bringup.model import Frontend
from bringup.parsers import ip_addr, ip_route, ip_rule, mca_params, nccl_conf, sysctl
from tests.unit.checks.captures import read

H100 = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures"
RAIL6 = "enp186s0np0"  # node01 rail6, 198.19.22.11/24, table 107
FRONTEND = Frontend(netdev="enp75s0f0np0", address=ipaddress.IPv4Interface("198.19.0.11/24"))
RAILS = {"enp24s0np0", "enp42s0np0", "enp58s0np0", "enp93s0np0", "enp154s0np0", "enp171s0np0", RAIL6, "enp219s0np0"}


def capture(name: str, replace: tuple[str, str] | None = None, where: str = "node01") -> str:
    return read(H100 / where / name, *filter(None, [replace]))


def addresses(replace=None):
    return ip_addr.parse(capture("ip-addr.out", replace))


ADDRESS = Expected(ipaddress.IPv4Interface("198.19.22.11/24"), "inventory bringup_rails[rail6].address")


def test_rail_address():
    good = judge.rail_address("node01", RAIL6, addresses(), ADDRESS)
    assert (good.outcome, good.measured, good.reference) == ("pass", ["198.19.22.11/24"], "198.19.22.11/24")
    bad = judge.rail_address("node01", RAIL6, addresses(('"local":"198.19.22.11","prefixlen":24',
                                                         '"local":"198.19.22.99","prefixlen":24')), ADDRESS)
    assert bad.message == "enp186s0np0 on node01 has IPv4 ['198.19.22.99/24']; plan: 198.19.22.11/24"
    gone = judge.rail_address("node01", "enp9s0np0", addresses(), ADDRESS)
    assert gone.message == "node01 has no interface enp9s0np0"


def test_source_rule():
    rules = ip_rule.parse(capture("ip-rule.out"))
    table = Expected(107, "inventory bringup_rails[rail6].table")
    good = judge.source_rule("node01", "198.19.22.11", rules, table)
    assert (good.outcome, good.measured) == ("pass", ["1006: from 198.19.22.11 lookup 107"])
    dropped = [r for r in rules if r.src != "198.19.22.11"]
    bad = judge.source_rule("node01", "198.19.22.11", dropped, table)
    assert bad.message == "node01: want one rule `from 198.19.22.11 lookup 107`, found none"


def test_table_routes_via_rail():
    routes = ip_route.parse(capture("route-table-rail6.out"))
    good = judge.table_routes_via_rail("node01", 107, "rail6", RAIL6, routes)
    assert (good.outcome, good.measured) == ("pass", ["198.19.22.0/24 dev enp186s0np0"])
    wrong = ip_route.parse(capture("route-table-rail6.out", ('"dev":"enp186s0np0"', '"dev":"enp24s0np0"')))
    bad = judge.table_routes_via_rail("node01", 107, "rail6", RAIL6, wrong)
    assert bad.message == "table 107 (rail6) routes via other interfaces: ['198.19.22.0/24 dev enp24s0np0']"
    empty = judge.table_routes_via_rail("node01", 107, "rail6", RAIL6, [])
    assert empty.message == "table 107 of node01 is empty: rail6 has no source-policy route"


def test_egress_to_peer():
    netdev = Expected(RAIL6, "inventory bringup_rails[rail6].netdev")
    routes = ip_route.parse(capture("route-get-rail6.out"))
    assert judge.egress_to_peer("198.19.22.11", "198.19.22.12", routes, netdev).outcome == "pass"
    wrong = ip_route.parse(capture("route-get-rail6.out", ('"dev":"enp186s0np0"', '"dev":"enp24s0np0"')))
    bad = judge.egress_to_peer("198.19.22.11", "198.19.22.12", wrong, netdev)
    assert bad.message == ("egress of 198.19.22.11 -> 198.19.22.12: enp24s0np0 != enp186s0np0 "
                           "(inventory bringup_rails[rail6].netdev)")
    none = judge.egress_to_peer("198.19.22.11", "198.19.22.12", [], netdev)
    assert none.message == "`ip route get 198.19.22.12 from 198.19.22.11` printed 0 routes"


ALLOWED = Expected([0, 2], "bringup/policy.yml rp_filter")


def test_rp_filter_takes_the_larger_of_all_and_the_interface():
    values = sysctl.parse_int(capture("sysctl.out"))
    good = judge.rp_filter(RAIL6, values, ALLOWED)
    assert (good.outcome, good.measured) == ("pass", 2)  # all = 0, enp186s0np0 = 2 (loose)
    strict = sysctl.parse_int(capture("sysctl.out", ("net.ipv4.conf.all.rp_filter = 0",
                                                     "net.ipv4.conf.all.rp_filter = 1")))
    assert judge.rp_filter(RAIL6, strict, ALLOWED).outcome == "pass"  # max(1, 2) = 2: the interface's wins
    strict = sysctl.parse_int(capture("sysctl.out", (f"net.ipv4.conf.{RAIL6}.rp_filter = 2",
                                                     f"net.ipv4.conf.{RAIL6}.rp_filter = 1")))
    bad = judge.rp_filter(RAIL6, strict, ALLOWED)
    assert bad.message == ("effective rp_filter on enp186s0np0 is 1 (1 = strict drops asymmetric multi-rail "
                           "replies); allowed [0, 2] (bringup/policy.yml rp_filter)")
    del values[f"net.ipv4.conf.{RAIL6}.rp_filter"]
    assert judge.rp_filter(RAIL6, values, ALLOWED).message == f"sysctl printed no net.ipv4.conf.{RAIL6}.rp_filter"


def test_arp_sysctls():
    ignore, announce = Expected(1, "bringup/policy.yml arp_ignore"), Expected(2, "bringup/policy.yml arp_announce")
    values = sysctl.parse_int(capture("sysctl.out"))
    good = judge.arp_sysctls(RAIL6, values, ignore, announce)
    assert (good.outcome, good.measured) == ("pass", {"arp_ignore": 1, "arp_announce": 2})
    values[f"net.ipv4.conf.{RAIL6}.arp_ignore"] = 0
    values["net.ipv4.conf.all.arp_ignore"] = 0
    bad = judge.arp_sysctls(RAIL6, values, ignore, announce)
    assert bad.message == ("effective ARP sysctls on enp186s0np0: {'arp_ignore': 0, 'arp_announce': 2} != "
                           "{'arp_ignore': 1, 'arp_announce': 2} (bringup/policy.yml arp_ignore)")


def test_frontend_up():
    good = judge.frontend_up("node01", FRONTEND, addresses())
    assert (good.outcome, good.measured) == ("pass", "UP ['198.19.0.11/24']")
    down = addresses(('"ifname":"enp75s0f0np0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,'
                      '"qdisc":"mq","operstate":"UP"',
                      '"ifname":"enp75s0f0np0","flags":["BROADCAST","MULTICAST","UP"],"mtu":1500,'
                      '"qdisc":"mq","operstate":"DOWN"'))
    assert judge.frontend_up("node01", FRONTEND, down).message == "frontend enp75s0f0np0 on node01 is DOWN, not UP"
    moved = addresses(('"local":"198.19.0.11"', '"local":"198.19.0.99"'))
    assert judge.frontend_up("node01", FRONTEND, moved).message == (
        "frontend enp75s0f0np0 on node01 has IPv4 ['198.19.0.99/24']; plan: 198.19.0.11/24")
    assert judge.frontend_up("node01", Frontend(netdev="enp75s0f0np0"), moved).outcome == "pass"


def test_nccl_setting_environment_wins():
    conf = nccl_conf.parse(capture("nccl-conf.out", where="common"))
    assert judge.nccl_setting({}, conf) == ("enp75s0f0np0", "/etc/nccl.conf")
    assert judge.nccl_setting({"NCCL_SOCKET_IFNAME": "=eth1"}, conf) == ("=eth1", "environment")
    assert judge.nccl_setting({"NCCL_SOCKET_IFNAME": ""}, conf) is None  # set empty: NCCL picks itself


def test_nccl_socket_ifname():
    interfaces = addresses()
    good = judge.nccl_socket_ifname("node01", "enp75s0f0np0", "/etc/nccl.conf", interfaces, FRONTEND, RAILS)
    assert (good.outcome, good.measured, good.reference) == ("pass", ["enp75s0f0np0"], "enp75s0f0np0")
    rail = judge.nccl_socket_ifname("node01", "enp", "/etc/nccl.conf", interfaces, FRONTEND, RAILS)
    assert rail.failed and rail.message.startswith(
        "NCCL_SOCKET_IFNAME=enp (/etc/nccl.conf) on node01 selects backend rail netdev(s) ['enp24s0np0', ")
    none = judge.nccl_socket_ifname("node01", "=eth0", "environment", interfaces, FRONTEND, RAILS)
    assert none.message.startswith("NCCL_SOCKET_IFNAME==eth0 (environment) selects no UP interface with an IPv4 "
                                   "address on node01: lo UNKNOWN ['127.0.0.1/8'], enp75s0f0np0 UP")
    # No frontend declared: any UP interface with IPv4 will do, a rail included.
    assert judge.nccl_socket_ifname("node01", "enp24s0np0", "environment", interfaces, None, RAILS).outcome == "pass"


def test_mpi_if_include():
    on_node = mca_params.parse(capture("mpi-mca-params.out"))
    mca_file = "/etc/openmpi/openmpi-mca-params.conf"
    spec, source = judge.mca_setting("oob_tcp_if_include", on_node, {}, mca_file)
    assert (spec, source) == ("enp75s0f0np0", f"{mca_file} / OMPI_MCA_oob_tcp_if_include")
    assert judge.mca_setting("btl_tcp_if_include", on_node, {"btl_tcp_if_include": "198.19.16.0/24"}, mca_file) \
        == ("198.19.16.0/24", "inventory bringup_mpi.mca.btl_tcp_if_include")
    assert judge.mca_setting("btl_tcp_if_include", on_node, {}, mca_file) is None
    interfaces = addresses()
    good = judge.mpi_if_include("node01", "oob_tcp_if_include", spec, source, interfaces, FRONTEND, RAILS,
                                on_frontend=True)
    assert (good.outcome, good.measured) == ("pass", ["enp75s0f0np0"])
    # A CIDR selecting a rail: a failure for the out-of-band channel, fine for the TCP BTL's data.
    oob = judge.mpi_if_include("node01", "oob_tcp_if_include", "198.19.16.0/24", source, interfaces, FRONTEND,
                               RAILS, on_frontend=True)
    assert oob.message == (f"oob_tcp_if_include=198.19.16.0/24 ({source}) on node01 selects backend rail "
                           f"netdev(s) ['enp24s0np0']; bootstrap traffic belongs on the frontend enp75s0f0np0")
    btl = judge.mpi_if_include("node01", "btl_tcp_if_include", "198.19.16.0/24", source, interfaces, FRONTEND,
                               RAILS, on_frontend=False)
    assert (btl.outcome, btl.measured) == ("pass", ["enp24s0np0"])
    none = judge.mpi_if_include("node01", "btl_tcp_if_include", "enp75s0f1np1", source, interfaces, FRONTEND,
                                RAILS, on_frontend=False)
    assert none.failed and none.message.startswith("btl_tcp_if_include=enp75s0f1np1 (")
