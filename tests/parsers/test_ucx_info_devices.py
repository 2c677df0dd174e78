import pytest

from bringup.parsers import ParseError, ucx_info_devices
from tests.parsers.platform_fixtures import fixture


def test_transports_per_device():
    devices = ucx_info_devices.parse(fixture("ucx_info", "devices_ucx116.txt"))
    assert devices["mlx5_0:1"] == ["rc_verbs", "rc_mlx5", "dc_mlx5", "ud_verbs", "ud_mlx5"]
    assert devices["mlx5_1:1"] == ["rc_verbs", "rc_mlx5", "dc_mlx5", "ud_verbs", "ud_mlx5"]
    assert devices["memory"] == ["self", "cma"]
    assert devices["enp75s0f0np0"] == ["tcp"]


def test_mpirun_tag_output_prefix():
    text = "".join(f"[1,0]<stdout>:{line}\n" for line in fixture("ucx_info", "devices_ucx116.txt").split("\n"))
    assert ucx_info_devices.parse(text)["mlx5_1:1"][1] == "rc_mlx5"


def test_cut_between_transport_and_device_raises():
    text = fixture("ucx_info", "devices_ucx116.txt")
    cut_at = text.index("#      Transport: ud_mlx5", text.index("mlx5_1")) + len("#      Transport: ud_mlx5\n")
    with pytest.raises(ParseError, match=r"line \d+: transport ud_mlx5 has no Device line \(truncated output\?\)"):
        ucx_info_devices.parse(text[:cut_at])


def test_non_ucx_text_raises():
    with pytest.raises(ParseError, match="line 1 is not `ucx_info -d` output"):
        ucx_info_devices.parse("Segmentation fault (core dumped)\n")
