"""Every `ethtool` parser on its captures as users paste them (issue 13): the prompt line with the command above
the output, the next prompt below it, CRLF; the result is the exact parse of the bare capture, whose exact
values each parser's own test file asserts. A cut mid-line in the paste stays a ParseError."""

import importlib

import pytest

from bringup.parsers import ParseError
from tests.parsers.platform_fixtures import FIXTURES

CAPTURES = [(name, path.name) for name in ("ethtool", "ethtool_driver", "ethtool_fec", "ethtool_module",
                                           "ethtool_pause", "ethtool_rings", "ethtool_stats")
            for path in sorted((FIXTURES / name).iterdir()) if path.suffix != ".md"]
COMMAND = {"ethtool": "ethtool", "ethtool_driver": "ethtool -i", "ethtool_fec": "ethtool --show-fec",
           "ethtool_module": "ethtool -m", "ethtool_pause": "ethtool -a", "ethtool_rings": "ethtool -g",
           "ethtool_stats": "ethtool -S"}


def _parse(name):
    return importlib.import_module(f"bringup.parsers.{name}").parse


@pytest.mark.parametrize(("name", "capture"), CAPTURES)
def test_prompt_above_and_below_and_crlf(name, capture):
    text = (FIXTURES / name / capture).read_text()
    pasted = f"root@node01:~# {COMMAND[name]} eth2\r\n" + text.replace("\n", "\r\n") + "root@node01:~# "
    assert _parse(name)(pasted) == _parse(name)(text)


@pytest.mark.parametrize(("name", "capture"), CAPTURES)
def test_paste_cut_mid_line_raises(name, capture):
    text = (FIXTURES / name / capture).read_text()
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    cut = f"[root@node01 ~]# {COMMAND[name]} eth2\n" + text.rstrip("\n")[: -max(1, len(last.rstrip()) // 2)]
    with pytest.raises(ParseError):
        _parse(name)(cut)
