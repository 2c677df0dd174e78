"""Writes the healthy network-layer captures (L3, L4, L7-L10) of the recorded scenarios.

The captures are ordinary files under ``<scenario>/captures/`` and are committed; this script only keeps
16 rails' worth of hand-written output consistent (addresses, MACs, GIDs derived from the inventory). Each
template follows the exact format of the tool named in its parser's docstring (``bringup/parsers/``).
Run: ``python -m tests.scenarios.network_captures h100`` (or ``h100_sriov``).
"""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path

from bringup.inventory import load_inventory
from bringup.probes import bootstrap, routing

HERE = Path(__file__).resolve().parent
ZERO_GID = "0000:0000:0000:0000:0000:0000:0000:0000"


def _mac(node_index: int, rail_index: int) -> str:
    return f"a0:88:c2:{node_index:02x}:{rail_index:02x}:10"


def _link_local(mac: str) -> ipaddress.IPv6Address:
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 2
    eui = b[:3] + [0xFF, 0xFE] + b[3:]
    return ipaddress.IPv6Address(bytes([0xFE, 0x80] + [0] * 6 + eui))


def _mapped(ip: str) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(f"::ffff:{ip}")


ETHTOOL = """Settings for {netdev}:
	Supported ports: [ FIBRE ]
	Supported link modes:   100000baseKR4/Full
	                        100000baseSR4/Full
	                        100000baseCR4/Full
	                        200000baseCR4/Full
	                        400000baseCR4/Full
	                        400000baseSR4/Full
	                        400000baseDR4/Full
	Supported pause frame use: Symmetric
	Supports auto-negotiation: Yes
	Supported FEC modes: None	 RS
	Advertised link modes:  400000baseCR4/Full
	                        400000baseSR4/Full
	                        400000baseDR4/Full
	Advertised pause frame use: No
	Advertised auto-negotiation: Yes
	Advertised FEC modes: RS
	Speed: 400000Mb/s
	Lanes: 4
	Duplex: Full
	Auto-negotiation: on
	Port: FIBRE
	PHYAD: 0
	Transceiver: internal
	Supports Wake-on: d
	Wake-on: d
        Current message level: 0x00000004 (4)
                               link
	Link detected: yes
"""

FEC = """FEC parameters for {netdev}:
Supported/Configured FEC encodings: Auto RS
Active FEC encoding: RS
"""

STATS = """NIC statistics:
     rx_packets: 184467213
     rx_bytes: 1507842619904
     tx_packets: 183920187
     tx_bytes: 1503339881472
     rx_discards_phy: 0
     rx_pcs_symbol_err_phy: 0
     rx_corrected_bits_phy: 412
     rx_err_lane_0_phy: 0
     rx_err_lane_1_phy: 0
     rx_err_lane_2_phy: 0
     rx_err_lane_3_phy: 0
     link_down_events_phy: 0
     rx_prio0_bytes: 18342
     rx_prio0_packets: 211
     rx_prio3_bytes: 1507842601562
     rx_prio3_packets: 184467002
     rx_prio3_pause: 318
     rx_prio3_pause_duration: 2210
     tx_prio3_pause: 97
     tx_prio3_pause_duration: 640
     rx_prio3_buf_discard: 0
     rx_prio3_cong_discard: 0
     rx_prio3_marked: 5531
     tx_pause_storm_warning_events: 0
     tx_pause_storm_error_events: 0
"""

MODULE = """	Identifier                                : 0x19 (OSFP 8X Pluggable Transceiver)
	Power class                               : 8
	Max power                                 : 17.00W
	Connector                                 : 0x0c (MPO 1x16)
	Cable assembly length                     : 0.00km
	Tx CDR bypass control                     : No
	Rx CDR bypass control                     : No
	Tx CDR                                    : Yes
	Rx CDR                                    : Yes
	Transmitter technology                    : 0x0c (1310 nm EML)
	Laser wavelength                          : 1311.000nm
	Length (SMF)                              : 0.50km
	Vendor name                               : NVIDIA
	Vendor OUI                                : 48:b0:2d
	Vendor PN                                 : MMS4X00-NS400
	Vendor rev                                : A2
	Vendor SN                                 : MT23{serial}
	Date code                                 : 230911
	Revision compliance                       : Rev. 5.0
	Module temperature                        : 46.21 degrees C / 115.18 degrees F
	Module voltage                            : 3.2912 V
	Laser tx bias current (Channel 1)         : 7.028 mA
	Laser tx bias current (Channel 2)         : 6.994 mA
	Laser tx bias current (Channel 3)         : 7.112 mA
	Laser tx bias current (Channel 4)         : 7.051 mA
	Transmit avg optical power (Channel 1)    : 1.5223 mW / 1.82 dBm
	Transmit avg optical power (Channel 2)    : 1.4871 mW / 1.72 dBm
	Transmit avg optical power (Channel 3)    : 1.5548 mW / 1.92 dBm
	Transmit avg optical power (Channel 4)    : 1.5012 mW / 1.76 dBm
	Rcvr signal avg optical power (Channel 1) : 1.2046 mW / 0.81 dBm
	Rcvr signal avg optical power (Channel 2) : 1.1722 mW / 0.69 dBm
	Rcvr signal avg optical power (Channel 3) : 1.2303 mW / 0.90 dBm
	Rcvr signal avg optical power (Channel 4) : 1.1912 mW / 0.76 dBm
	Module temperature high alarm threshold   : 80.00 degrees C / 176.00 degrees F
	Module temperature low alarm threshold    : -5.00 degrees C / 23.00 degrees F
	Module temperature high warning threshold : 75.00 degrees C / 167.00 degrees F
	Module temperature low warning threshold  : 0.00 degrees C / 32.00 degrees F
	Module voltage high alarm threshold       : 3.6300 V
	Module voltage low alarm threshold        : 2.9700 V
	Module temperature high alarm             : Off
	Module temperature low alarm              : Off
	Module temperature high warning           : Off
	Module temperature low warning            : Off
	Module voltage high alarm                 : Off
	Module voltage low alarm                  : Off
	Module voltage high warning               : Off
	Module voltage low warning                : Off
"""

MLXLINK = """
Operational Info
----------------
State                              : Active
Physical state                     : LinkUp
Speed                              : 400G
Width                              : 4x
FEC                                : Standard_RS-FEC - (544,514)
Loopback Mode                      : No Loopback
Auto Negotiation                   : ON

Supported Info
--------------
Enabled Link Speed (Ext.)          : 0x00003ff2 (400G_4X,200G_2X,200G_4X,100G_1X,100G_2X,100G_4X,50G_1X,50G_2X,40G,25G,10G,1G)
Supported Cable Speed (Ext.)       : 0x00002200 (400G_4X,100G_1X)

Troubleshooting Info
--------------------
Status Opcode                      : 0
Group Opcode                       : N/A
Recommendation                     : No issue was observed

Tool Information
----------------
Firmware Version                   : 28.39.1002
amBER Version                      : 3.2
MFT Version                        : mft 4.26.1-3

Physical Counters and BER Info
------------------------------
Time Since Last Clear [Min]        : 1460.2
Effective Physical Errors          : 0
Effective Physical BER             : 15E-255
Raw Physical Errors Per Lane       : 112,98,131,87
Raw Physical Errors Per Lane       : 112,98,131,87
Raw Physical BER                   : 2E-12
Link Down Counter                  : 0
Link Error Recovery Counter        : 0

EYE Opening Info (PAM4)
-----------------------
Physical Grade                     : 7421,7398,7455,7402
Height Eye Opening [mV]            : 98,101,96,99
Phase  Eye Opening [psec]          : 11,12,11,11
"""

DEVINFO = """hca_id:	{dev}
	transport:			InfiniBand (0)
	fw_ver:				28.39.1002
	node_guid:			a088:c203:00{n:02x}:{i:02x}10
	sys_image_guid:			a088:c203:00{n:02x}:{i:02x}10
	vendor_id:			0x02c9
	vendor_part_id:			4129
	hw_ver:				0x0
	board_id:			MT_0000000838
	phys_port_cnt:			1
	max_mr_size:			0xffffffffffffffff
	page_size_cap:			0xfffffffffffff000
	max_qp:				131072
	max_qp_wr:			32768
	device_cap_flags:		0x21361c36
					BAD_PKEY_CNTR
					AUTO_PATH_MIG
					CHANGE_PHY_PORT
					PORT_ACTIVE_EVENT
					SYS_IMAGE_GUID
					RC_RNR_NAK_GEN
					MEM_WINDOW
					MEM_MGT_EXTENSIONS
					MEM_WINDOW_TYPE_2B
					MANAGED_FLOW_STEERING
	max_sge:			30
	max_cq:				16777216
	max_cqe:			4194303
	max_mr:				16777216
	max_pd:				8388608
	atomic_cap:			ATOMIC_HCA (1)
	num_comp_vectors:		63
		port:	1
			state:			PORT_ACTIVE (4)
			max_mtu:		4096 (5)
			active_mtu:		4096 (5)
			sm_lid:			0
			port_lid:		0
			port_lmc:		0x00
			link_layer:		Ethernet
			max_msg_sz:		0x40000000
			port_cap_flags:		0x04010000
			port_cap_flags2:	0x0000
			max_vl_num:		invalid value (0)
			bad_pkey_cntr:		0x0
			qkey_viol_cntr:		0x0
			sm_sl:			0
			pkey_tbl_len:		1
			gid_tbl_len:		255
			subnet_timeout:		0
			init_type_reply:	0
			active_width:		4X (2)
			active_speed:		100.0 Gbps (13)
			phys_state:		LINK_UP (5)
			GID[  0]:		{ll}, RoCE v1
			GID[  1]:		{ll_short}, RoCE v2
			GID[  2]:		{mapped}, RoCE v1
			GID[  3]:		::ffff:{ip}, RoCE v2

"""

MLNX_QOS = """DCBX mode: OS controlled
Priority trust state: dscp
dscp2prio mapping:
	prio:0 dscp:07,06,05,04,03,02,01,00,
	prio:1 dscp:15,14,13,12,11,10,09,08,
	prio:2 dscp:23,22,21,20,19,18,17,16,
	prio:3 dscp:31,30,29,28,27,26,25,24,
	prio:4 dscp:39,38,37,36,35,34,33,32,
	prio:5 dscp:47,46,45,44,43,42,41,40,
	prio:6 dscp:55,54,53,52,51,50,49,48,
	prio:7 dscp:63,62,61,60,59,58,57,56,
default priority:
Receive buffer size (bytes): 130944,261888,0,0,0,0,0,0,max_buffer_size=2097152
Cable len: 7
PFC configuration:
	priority    0   1   2   3   4   5   6   7
	enabled     0   0   0   1   0   0   0   0   
	buffer      0   0   0   1   0   0   0   0   
tc: 1 ratelimit: unlimited, tsa: vendor
	 priority:  0
tc: 0 ratelimit: unlimited, tsa: vendor
	 priority:  1
tc: 2 ratelimit: unlimited, tsa: vendor
	 priority:  2
tc: 3 ratelimit: unlimited, tsa: vendor
	 priority:  3
tc: 4 ratelimit: unlimited, tsa: vendor
	 priority:  4
tc: 5 ratelimit: unlimited, tsa: vendor
	 priority:  5
tc: 6 ratelimit: unlimited, tsa: vendor
	 priority:  6
tc: 7 ratelimit: unlimited, tsa: vendor
	 priority:  7
"""

PAUSE = """Pause parameters for {netdev}:
Autonegotiate:	off
RX:		off
TX:		off
"""

RINGS = """Ring parameters for {netdev}:
Pre-set maximums:
RX:			8192
RX Mini:		n/a
RX Jumbo:		n/a
TX:			8192
Current hardware settings:
RX:			8192
RX Mini:		n/a
RX Jumbo:		n/a
TX:			8192
RX Buf Len:		n/a
CQE Size:		n/a
TX Push:		off
TCP data split:		n/a
"""

# /proc/modules lines (newest first) of a DOCA host, as `grep -E '^(mlx5_core|...) ' /proc/modules` prints them.
MODULES = """rdma_ucm 32768 0 - Live 0x0000000000000000 (OE)
rdma_cm 147456 1 rdma_ucm, Live 0x0000000000000000 (OE)
ib_uverbs 180224 2 rdma_ucm,mlx5_ib, Live 0x0000000000000000 (OE)
mlx5_ib 491520 0 - Live 0x0000000000000000 (OE)
ib_core 454656 4 rdma_ucm,rdma_cm,ib_uverbs,mlx5_ib, Live 0x0000000000000000 (OE)
mlx5_core 2469888 1 mlx5_ib, Live 0x0000000000000000 (OE)
"""

PING = """PING {peer} ({peer}) from {ip} {netdev}: {size}({mtu}) bytes of data.
{reply} bytes from {peer}: icmp_seq=1 ttl=64 time=0.031 ms
{reply} bytes from {peer}: icmp_seq=2 ttl=64 time=0.019 ms
{reply} bytes from {peer}: icmp_seq=3 ttl=64 time=0.018 ms

--- {peer} ping statistics ---
3 packets transmitted, 3 received, 0% packet loss, time 409ms
rtt min/avg/max/mdev = 0.018/0.022/0.031/0.005 ms
"""


def _j(data) -> str:
    return json.dumps(data, separators=(",", ":")) + "\n"


LS_DATE = "Mar  4 10:12"  # coreutils `ls -l` in the C locale, a file from this year


def _link_line(name: str, target: str) -> str:
    return f"lrwxrwxrwx 1 root root 0 {LS_DATE} {name} -> {target}\n"


def _vf_bdfs(pf_bdf: str, count: int) -> list[str]:
    """ConnectX VFs follow their PF at routing-id offset 2, stride 1 (the PF's SR-IOV capability; `lspci -vvv`
    "First VF offset: 2, VF stride: 1"): 0000:18:00.0 -> 0000:18:00.2 ... 0000:18:01.1 for 8 VFs."""
    bus, _, slot = pf_bdf.rpartition(":")
    devfn = int(slot[:2], 16) * 8 + int(slot[3])
    return [f"{bus}:{(devfn + 2 + v) >> 3:02x}.{(devfn + 2 + v) & 7}" for v in range(count)]


def _pci_path(bdf: str) -> str:
    """A sysfs device path below the PEX switch of gen_platform's tree (root port, upstream, downstream)."""
    bus = int(bdf[5:7], 16)
    return (f"../../devices/pci0000:{bus - 3:02x}/0000:{bus - 3:02x}:01.0/0000:{bus - 2:02x}:00.0/"
            f"0000:{bus - 1:02x}:00.0/{bdf}")


def _ib_devices(node) -> str:
    """`ls -l /sys/class/infiniband/`: rail PFs mlx5_0-7, the frontend ConnectX-6 Dx ports mlx5_8-9, then one
    device per VF (mlx5_ib binds each VF as it appears), listed in ls's name order."""
    devices = {r.rdma_device: r.pci for r in node.rails}
    devices.update({"mlx5_8": "0000:4b:00.0", "mlx5_9": "0000:4b:00.1"})
    next_index = 10
    for rail in node.rails:
        for bdf in _vf_bdfs(rail.pci, rail.sriov_vfs or 0):
            devices[f"mlx5_{next_index}"] = bdf
            next_index += 1
    return "total 0\n" + "".join(_link_line(name, f"{_pci_path(bdf)}/infiniband/{name}")
                                  for name, bdf in sorted(devices.items()))


# /etc/openmpi/openmpi-mca-params.conf as the mpi_stack role writes it (bringup_mpi.mca): UCX for data, TCP
# wire-up on the frontend.
MCA_PARAMS = """# Written by the bringup mpi_stack role; do not edit.
btl = ^openib,uct
oob_tcp_if_include = {frontend}
pml = ucx
"""


def _frontend_entries(node, n: int) -> tuple[list[dict], list[dict]]:
    """`ip -j link` / `ip -j addr` entries of the ConnectX-6 Dx frontend: port 0 up with the planned address,
    port 1 uncabled (DOWN, no address)."""
    links, addrs = [], []
    for port in (0, 1):
        up = port == 0
        name = node.frontend.netdev if up else node.frontend.netdev.replace("f0np0", "f1np1")
        dev = {"ifindex": 2 + port, "ifname": name,
               "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"] if up else ["NO-CARRIER", "BROADCAST",
                                                                                 "MULTICAST", "UP"],
               "mtu": 1500, "qdisc": "mq", "operstate": "UP" if up else "DOWN", "linkmode": "DEFAULT",
               "group": "default", "txqlen": 1000, "link_type": "ether", "address": f"b8:3f:d2:{n:02x}:4b:{port:02x}",
               "broadcast": "ff:ff:ff:ff:ff:ff"}
        links.append(dict(dev, promiscuity=0, allmulti=0, min_mtu=68, max_mtu=9978, num_tx_queues=96,
                          num_rx_queues=24, gso_max_size=65536, gso_max_segs=65535))
        info = []
        if up and node.frontend.address is not None:
            address = node.frontend.address
            info = [{"family": "inet", "local": str(address.ip), "prefixlen": address.network.prefixlen,
                     "broadcast": str(address.network.broadcast_address), "scope": "global", "label": name,
                     "valid_life_time": 4294967295, "preferred_life_time": 4294967295}]
        addrs.append(dict(dev, addr_info=info))
    return links, addrs


def write(scenario: str) -> None:
    base = HERE / scenario
    cluster = load_inventory(str(base / "inventory"))
    common = base / "captures" / "common"
    common.mkdir(parents=True, exist_ok=True)
    first = cluster.nodes[0]
    for rail in first.rails:  # identical on every node of the scenario
        (common / f"ethtool-{rail.name}.out").write_text(ETHTOOL.format(netdev=rail.netdev))
        (common / f"fec-{rail.name}.out").write_text(FEC.format(netdev=rail.netdev))
        (common / f"ethtool-S-{rail.name}.out").write_text(STATS)
        (common / f"pfc-counters-{rail.name}.out").write_text(STATS)
        (common / f"mlxlink-{rail.name}.out").write_text(MLXLINK)
        (common / f"mlnx_qos-{rail.name}.out").write_text(MLNX_QOS)
        np_ = "".join(f"/sys/class/net/{rail.netdev}/ecn/roce_np/enable/{p}:{int(p == 3)}\n" for p in range(8))
        rp_ = "".join(f"/sys/class/net/{rail.netdev}/ecn/roce_rp/enable/{p}:{int(p == 3)}\n" for p in range(8))
        cnp = (f"/sys/class/net/{rail.netdev}/ecn/roce_np/cnp_dscp:48\n"
               f"/sys/class/net/{rail.netdev}/ecn/roce_np/cnp_802p_prio:6\n")
        (common / f"ecn-{rail.name}.out").write_text(np_ + rp_ + cnp)
        (common / f"traffic_class-{rail.name}.out").write_text("Global tclass=106\n")
        cm = f"/sys/kernel/config/rdma_cm/{rail.rdma_device}/ports/1"
        (common / f"roce_mode-{rail.name}.out").write_text(f"{cm}/default_roce_mode:RoCE v2\n")
        (common / f"roce_tos-{rail.name}.out").write_text(f"{cm}/default_roce_tos:106\n")
        (common / f"pause-{rail.name}.out").write_text(PAUSE.format(netdev=rail.netdev))
        (common / f"rings-{rail.name}.out").write_text(RINGS.format(netdev=rail.netdev))
    (common / "rdma-stack.out").write_text("OFED-internal-24.10-1.1.4:\n")  # DOCA-host 2.9 `ofed_info -s`
    (common / "rdma-modules.out").write_text(MODULES)
    netns = "exclusive" if cluster.design.sriov else "shared"  # layers.md §3: D1 isolates RDMA per pod
    (common / "rdma-system.out").write_text(_j([{"netns": netns, "copy-on-fork": True}]))
    (common / "rdma-link.out").write_text(_j([
        {"ifindex": i, "ifname": r.rdma_device, "port": 1, "state": "ACTIVE", "physical_state": "LINK_UP",
         "netdev": r.netdev, "netdev_index": 4 + i} for i, r in enumerate(first.rails)]))

    for n, node in enumerate(cluster.nodes, start=1):
        out = base / "captures" / node.name
        out.mkdir(parents=True, exist_ok=True)
        links, addrs, rules = [], [], [{"priority": 0, "src": "all", "table": "local"}]
        lo = {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP", "LOWER_UP"], "mtu": 65536,
              "qdisc": "noqueue", "operstate": "UNKNOWN", "linkmode": "DEFAULT", "group": "default",
              "txqlen": 1000, "link_type": "loopback", "address": "00:00:00:00:00:00",
              "broadcast": "00:00:00:00:00:00"}
        links.append(dict(lo, min_mtu=0, max_mtu=0))
        addrs.append(dict(lo, addr_info=[{"family": "inet", "local": "127.0.0.1", "prefixlen": 8, "scope": "host",
                                          "label": "lo", "valid_life_time": 4294967295,
                                          "preferred_life_time": 4294967295}]))
        if node.frontend is not None:
            frontend_links, frontend_addrs = _frontend_entries(node, n)
            links += frontend_links
            addrs += frontend_addrs
        if bootstrap.runs_mpi(node):
            (out / "mpi-mca-params.out").write_text(MCA_PARAMS.format(frontend=node.frontend.netdev))
        # systemd's sysctl.d/50-default.conf sets every interface to loose (2) and leaves conf.all at 0.
        sysctl = [f"{routing.sysctl_key('all', 'rp_filter')} = 0", f"{routing.sysctl_key('all', 'arp_ignore')} = 1",
                  f"{routing.sysctl_key('all', 'arp_announce')} = 2"]
        for i, rail in enumerate(node.rails):
            ip = str(rail.address.ip)
            mac = _mac(n, i)
            ll = _link_local(mac)
            mtu = rail.mtu or node.fabric.mtu
            dev = {"ifindex": 4 + i, "ifname": rail.netdev, "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
                   "mtu": mtu, "qdisc": "mq", "operstate": "UP", "linkmode": "DEFAULT", "group": "default",
                   "txqlen": 1000, "link_type": "ether", "address": mac, "broadcast": "ff:ff:ff:ff:ff:ff"}
            link = dict(dev, promiscuity=0, allmulti=0, min_mtu=68, max_mtu=9978, num_tx_queues=252,
                        num_rx_queues=63, gso_max_size=65536, gso_max_segs=65535, parentbus="pci",
                        parentdev=rail.pci)
            if rail.sriov_vfs:
                link["num_vf"] = rail.sriov_vfs
                link["vfinfo_list"] = [
                    {"vf": v, "link_type": "ether", "address": f"1e:6c:{n:02x}:{i:02x}:00:{v:02x}",
                     "broadcast": "ff:ff:ff:ff:ff:ff", "spoofchk": False, "link_state": "auto", "trust": False,
                     "query_rss_en": False} for v in range(rail.sriov_vfs)]
                (out / f"pf-link-{rail.name}.out").write_text(_j([{k: v for k, v in link.items()
                                                                    if k not in ("parentbus", "parentdev")}]))
                sysfs = f"/sys/class/net/{rail.netdev}/device"
                (out / f"sriov-{rail.name}.out").write_text(f"{sysfs}/sriov_totalvfs:16\n"
                                                            f"{sysfs}/sriov_numvfs:{rail.sriov_vfs}\n")
                (out / f"eswitch-{rail.name}.out").write_text(_j({"dev": {f"pci/{rail.pci}": {
                    "mode": "legacy", "inline-mode": "none", "encap-mode": "basic"}}}))
                virtfns = sorted((f"{sysfs}/virtfn{v}", f"../{bdf}")
                                 for v, bdf in enumerate(_vf_bdfs(rail.pci, rail.sriov_vfs)))
                (out / f"virtfn-{rail.name}.out").write_text("".join(_link_line(*vf) for vf in virtfns))
            links.append(link)
            addrs.append(dict(dev, addr_info=[
                {"family": "inet", "local": ip, "prefixlen": rail.address.network.prefixlen, "scope": "global",
                 "label": rail.netdev, "valid_life_time": 4294967295, "preferred_life_time": 4294967295},
                {"family": "inet6", "local": str(ll), "prefixlen": 64, "scope": "link",
                 "valid_life_time": 4294967295, "preferred_life_time": 4294967295}]))
            rules.append({"priority": 1000 + i, "src": ip, "table": str(rail.table)})
            net = str(rail.address.network)
            (out / f"route-table-{rail.name}.out").write_text(_j([
                {"dst": net, "dev": rail.netdev, "scope": "link", "prefsrc": ip, "flags": []}]))
            peer = node.rail_peers.get(rail.name)
            if peer:
                (out / f"route-get-{rail.name}.out").write_text(_j([
                    {"dst": peer[1], "from": ip, "dev": rail.netdev, "table": str(rail.table), "flags": [],
                     "uid": 0, "cache": []}]))
                size = mtu - 28
                (out / f"ping-{rail.name}.out").write_text(PING.format(
                    peer=peer[1], ip=ip, netdev=rail.netdev, size=size, mtu=mtu, reply=size + 8))
            sysctl += [f"{routing.sysctl_key(rail.netdev, 'rp_filter')} = 2",
                       f"{routing.sysctl_key(rail.netdev, 'arp_ignore')} = 1",
                       f"{routing.sysctl_key(rail.netdev, 'arp_announce')} = 2"]
            port = f"/sys/class/infiniband/{rail.rdma_device}/ports/1"
            mapped = _mapped(ip)
            gids = [(0, ll, "IB/RoCE v1"), (1, ll, "RoCE v2"), (2, mapped, "IB/RoCE v1"), (3, mapped, "RoCE v2")]
            text = "".join(f"{port}/gids/{k}:{g.exploded}\n" for k, g, _ in gids)
            text += "".join(f"{port}/gid_attrs/types/{k}:{t}\n" for k, _, t in gids)
            text += "".join(f"{port}/gid_attrs/ndevs/{k}:{rail.netdev}\n" for k, _, _ in gids)
            (out / f"gids-{rail.name}.out").write_text(text)
            (out / f"gids-{rail.name}.rc").write_text("2\n")  # empty slots' types files fail with EINVAL
            (out / f"gids-{rail.name}.err").write_text("".join(
                f"grep: {port}/gid_attrs/types/{k}: Invalid argument\n" for k in range(4, 8)))
            (out / f"ibv_devinfo-{rail.name}.out").write_text(DEVINFO.format(
                dev=rail.rdma_device, n=n, i=i, ll=ll.exploded, ll_short=str(ll), mapped=mapped.exploded, ip=ip))
            (out / f"module-{rail.name}.out").write_text(MODULE.format(serial=f"41FT{n:02d}{i:03d}"))
        rules += [{"priority": 32766, "src": "all", "table": "main"},
                  {"priority": 32767, "src": "all", "table": "default"}]
        (out / "ip-link.out").write_text(_j(links))
        (out / "ip-addr.out").write_text(_j(addrs))
        (out / "ip-rule.out").write_text(_j(rules))
        (out / "sysctl.out").write_text("\n".join(sysctl) + "\n")
        (out / "lldp.out").write_text(json.dumps(_lldp(cluster, node), indent=2) + "\n")
        if any(r.sriov_vfs for r in node.rails):
            (out / "ib-devices.out").write_text(_ib_devices(node))


def _lldp(cluster, node) -> dict:
    """lldpd 1.0.x ``-f json`` with several neighbours: the array-of-one-key-objects shape."""
    interfaces = []
    for rail in node.rails:
        cab = cluster.cabling_for(node.name, rail.name)
        if cab is None:
            continue
        leaf_no = int("".join(c for c in cab.leaf if c.isdigit()) or 0)
        interfaces.append({rail.netdev: {
            "via": "LLDP", "rid": str(leaf_no), "age": "0 day, 02:11:07",
            "chassis": {cab.leaf: {
                "id": {"type": "mac", "value": f"1c:34:da:5e:{leaf_no:02x}:00"},
                "descr": "Cumulus Linux version 5.9.1 running on Nvidia SN5600",
                "mgmt-ip": f"198.18.0.{100 + leaf_no}", "mgmt-iface": "2",
                "capability": [{"type": "Bridge", "enabled": False}, {"type": "Router", "enabled": True}]}},
            # Cumulus advertises the port's alias as its description; sites set it to the cabled host port.
            "port": {"id": {"type": "ifname", "value": cab.port}, "descr": f"{node.name} {rail.netdev}", "ttl": "120",
                     "auto-negotiation": {"supported": False, "enabled": False, "advertised": []},
                     "mfs": "9238"}}})
    interfaces.append({"eno8303": {
        "via": "LLDP", "rid": "9", "age": "0 day, 02:11:40",
        "chassis": {"mgmt-sw1": {"id": {"type": "mac", "value": "0c:42:a1:77:10:00"},
                                 "descr": "Cumulus Linux version 5.9.1 running on Nvidia SN2201",
                                 "mgmt-ip": "198.18.0.99",
                                 "capability": [{"type": "Bridge", "enabled": True}]}},
        "port": {"id": {"type": "ifname", "value": f"swp{10 + cluster.nodes.index(node)}"},
                 "descr": "node mgmt", "ttl": "120"}}})
    return {"lldp": {"interface": interfaces}}


if __name__ == "__main__":
    for name in sys.argv[1:] or ["h100"]:
        write(name)
