import pytest

from bringup.parsers import ParseError, modinfo
from tests.parsers.platform_fixtures import fixture


def test_mlx5_core_fields_and_repeats():
    info = modinfo.parse(fixture("modinfo", "mlx5_core_doca.txt"))
    assert modinfo.version(info) == "24.10-1.1.4"
    assert info["filename"] == ["/lib/modules/5.15.0-105-generic/updates/dkms/mlx5_core.ko"]
    assert info["alias"] == ["auxiliary:mlx5_core.eth", "pci:v000015B3d0000A2DCsv*sd*bc*sc*i*",
                             "pci:v000015B3d00001021sv*sd*bc*sc*i*"]
    assert len(info["parm"]) == 4
    assert info["vermagic"] == ["5.15.0-105-generic SMP mod_unload modversions"]


def test_inbox_module_without_version_and_continuation_line():
    text = ("filename:       /lib/modules/6.8.0-45-generic/kernel/drivers/infiniband/core/ib_core.ko.zst\r\n"
            "parm:           netns_mode:Share device among net namespaces; default=1\r\n"
            "                (shared) (bool)\r\n"
            "name:           ib_core\r\n")
    info = modinfo.parse(text)
    assert modinfo.version(info) is None
    assert info["parm"] == ["netns_mode:Share device among net namespaces; default=1 (shared) (bool)"]


def test_garbled_line_raises():
    with pytest.raises(ParseError, match="line 2 is not a `modinfo` field: 'Segmentation fault'"):
        modinfo.parse("filename:       /lib/modules/x/mlx5_core.ko\nSegmentation fault\n")


def test_cut_before_any_identity_field_raises():
    with pytest.raises(ParseError, match="no `filename:` or `name:` field"):
        modinfo.parse("version:        24.10-1.1.4\n")
