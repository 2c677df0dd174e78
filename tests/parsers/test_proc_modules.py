import pytest

from bringup.parsers import ParseError, proc_modules
from tests.parsers.platform_fixtures import fixture


def test_modules_users_state():
    modules = proc_modules.parse(fixture("proc_modules", "peermem_loaded.txt"))
    assert "nvidia_peermem" in modules
    assert modules["nvidia"] == proc_modules.Module("nvidia", 56868864, ("nvidia_peermem", "nvidia_uvm", "nvidia_modeset"), "Live")
    assert modules["mlx5_ib"].state == "Loading"
    assert modules["tls"].users == ("mlx5_core",)
    assert len(modules) == 8


def test_cut_line_raises():
    with pytest.raises(ParseError, match="line 2 is not a /proc/modules entry: 'nvidia_uvm 1437696'"):
        proc_modules.parse("nvidia_peermem 16384 0 - Live 0x0000000000000000 (OE)\nnvidia_uvm 1437696")


def test_empty_raises():
    with pytest.raises(ParseError, match="empty output"):
        proc_modules.parse("")
