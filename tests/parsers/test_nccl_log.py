import pytest

from bringup.parsers import ParseError, nccl_log
from bringup.parsers.nccl_log import Channel, NetDevice
from tests.parsers.platform_fixtures import fixture

RAILS = [NetDevice(i, f"mlx5_{i}", 1, "RoCE") for i in range(8)]


def test_recorded_single_gpu_socket_fallback():
    hosts = nccl_log.parse(fixture("recorded_h100", "nccl-init-log.out"))
    log = hosts["vm"]
    assert list(hosts) == ["vm"] and log.version == "2.28.9"
    assert (log.networks, log.ib_devices, log.oob) == (["Socket"], [], "eth0:192.0.2.2<0>")
    assert log.socket_devices == [NetDevice(0, "eth0", None, "Socket")]
    assert (log.gdr_enabled, log.gdr_disabled) == ([], ["eth0"])
    assert (log.channels, log.net_channels(), log.init_complete, log.warnings) == ([], [], 1, [])


def test_healthy_two_nodes_eight_rails_gdrdma():
    hosts = nccl_log.parse(fixture("nccl_log", "healthy_2node_8rail_2.23.txt"))
    assert sorted(hosts) == ["node01", "node02"]
    one, two = hosts["node01"], hosts["node02"]
    assert (one.version, two.version) == ("2.23.4", None)  # only rank 0 prints the banner
    assert one.ib_devices == RAILS and two.ib_devices == RAILS
    assert (one.networks, one.oob, two.oob) == (["IB"], "enp75s0f0np0:10.0.0.1<0>", "enp75s0f0np0:10.0.0.2<0>")
    assert sorted(one.gdr_enabled) == [f"mlx5_{i}" for i in range(8)] and one.gdr_disabled == []
    assert (len(one.channels), len(one.net_channels()), one.init_complete) == (40, 32, 8)
    assert Channel(3, "3[3]", "11[3]", "send", "NET/IB/3/GDRDMA") in one.net_channels()
    assert Channel(11, "11[3]", "3[3]", "receive", "NET/IB/3/GDRDMA") in one.net_channels()
    assert Channel(0, "7[7]", "0[0]", None, "P2P/CUMEM") in one.channels
    assert all(c.via.endswith("/GDRDMA") for h in hosts.values() for c in h.net_channels())
    assert two.warnings == [] and one.socket_devices == []


def test_gdr_disabled_older_format():
    hosts = nccl_log.parse(fixture("nccl_log", "gdr_disabled_2node_8rail_2.19.txt"))
    one, two = hosts["node01"], hosts["node02"]
    assert (one.version, two.version) == ("2.19.3", None)  # the bare banner follows a node01 line
    assert one.ib_devices == RAILS and one.oob == "ens3:10.1.1.1<0>"
    assert one.gdr_enabled == [] and sorted(two.gdr_disabled) == [f"mlx5_{i}" for i in range(8)]
    assert len(one.net_channels()) == 32 and not any("GDRDMA" in c.via for c in one.net_channels())
    assert Channel(8, "0[18000]", "8[18000]", "send", "NET/IB/0") in one.net_channels()
    assert Channel(0, "7[db000]", "0[18000]", None, "P2P/IPC/read") in one.channels
    assert len(one.channels) == 40  # "Channel 00/16 :    0   1 ..." ring listings are not connections
    assert one.init_complete == 8


def test_partial_rails_are_visible_per_host():
    hosts = nccl_log.parse(fixture("nccl_log", "partial_rails_2node_2.21.txt"))
    one, two = hosts["node01"], hosts["node02"]
    assert one.ib_devices == RAILS
    assert [(d.index, d.name) for d in two.ib_devices] == [(0, "mlx5_0"), (1, "mlx5_1"), (2, "mlx5_3"),
                                                           (3, "mlx5_4"), (4, "mlx5_5"), (5, "mlx5_7")]
    assert sorted({c.via for c in two.net_channels()}) == [f"NET/IB/{i}/GDRDMA" for i in range(6)]
    assert sorted(two.gdr_enabled) == ["mlx5_0", "mlx5_1", "mlx5_3", "mlx5_4", "mlx5_5", "mlx5_7"]
    assert two.warnings == ["Call to ibv_modify_qp failed with error Network is unreachable"]
    assert (one.version, one.init_complete, two.init_complete) == ("2.21.5", 8, 8)


def test_old_shapes_and_launcher_prefixes():
    text = ("[1,0]<stdout>:gpu6:1407:1595 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB ib0:192.168.11.1<0>\r\n"
            "worker-0: worker-0:19487:21056 [3] NCCL INFO Using network IBext\n"
            "gpu6:1407:1595 [0] NCCL INFO GPU Direct RDMA Enabled for GPU 1 / HCA 0\n"
            "gpu6:1407:1595 [0] NCCL INFO Channel 00 : 0[0] -> 1[0] via P2P/IPC\n"
            "gpu6:1407:1595 [0] NCCL INFO Channel 01 : 0[1a000] -> 1[1a000] [receive] via NET/IB/0\n")
    hosts = nccl_log.parse(text)
    assert hosts["gpu6"].ib_devices == [NetDevice(0, "mlx5_0", 1, "IB")] and hosts["gpu6"].oob == "ib0:192.168.11.1<0>"
    assert hosts["worker-0"].networks == ["IBext"]
    assert hosts["gpu6"].gdr_enabled == ["mlx5_0"]  # named from the `Using` list
    assert hosts["gpu6"].channels == [Channel(0, "0[0]", "1[0]", None, "P2P/IPC"),
                                      Channel(1, "0[1a000]", "1[1a000]", "receive", "NET/IB/0")]
    assert [c.channel for c in hosts["gpu6"].net_channels()] == [1]


def test_gdr_lines_that_name_the_path():
    """NCCL 2.19+ net_ib.cc: "GPU Direct RDMA (%s) enabled for HCA %d '%s" (no closing quote in the format)."""
    text = ("n1:7:7 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.0.0.1<0>\n"
            "n1:7:7 [0] NCCL INFO NET/IB : GPU Direct RDMA (nvidia-peermem) enabled for HCA 0 'mlx5_0\n"
            "n1:7:7 [0] NCCL INFO NET/IB : GPU Direct RDMA (DMABUF) enabled for HCA 1 'mlx5_1\n")
    assert nccl_log.parse(text)["n1"].gdr_enabled == ["mlx5_0", "mlx5_1"]


def test_no_info_lines_raises():
    with pytest.raises(ValueError, match=r"no `NCCL INFO` lines: was NCCL_DEBUG=INFO set\?"):
        nccl_log.parse("# Avg bus bandwidth    : 250.904\nn1:1:1 [0] misc/x.cc:1 NCCL WARN oops\n")
    with pytest.raises(ParseError):
        nccl_log.parse("")
