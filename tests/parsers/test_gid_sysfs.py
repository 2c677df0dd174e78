import pytest

from bringup.parsers import ParseError, gid_sysfs
from tests.parsers.platform_fixtures import fixture


def test_gid_table():
    gids = gid_sysfs.parse(fixture("gid_sysfs", "mlx5_0.txt"))
    assert [(g.index, g.type, g.ipv4, g.netdev) for g in gids] == [
        (0, "IB/RoCE v1", None, "enp24s0np0"), (1, "RoCE v2", None, "enp24s0np0"),
        (2, "IB/RoCE v1", "198.19.16.11", "enp24s0np0"), (3, "RoCE v2", "198.19.16.11", "enp24s0np0")]


def test_zero_gid_dropped():
    text = "/sys/class/infiniband/mlx5_0/ports/1/gids/9:0000:0000:0000:0000:0000:0000:0000:0000\n"
    assert gid_sysfs.parse(text) == []


def test_garbled_gid_raises():
    with pytest.raises(ParseError, match="mlx5_0 port 1 GID 3: not a GID 'ffff:c613'"):
        gid_sysfs.parse("/sys/class/infiniband/mlx5_0/ports/1/gids/3:ffff:c613\n")


def test_not_grep_output_raises():
    with pytest.raises(ParseError, match="line 1 is not `grep -H` output"):
        gid_sysfs.parse("grep: /sys/class/infiniband/mlx5_0/ports/1/gids/*: No such file or directory\n")
