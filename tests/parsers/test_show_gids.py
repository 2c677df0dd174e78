import pytest

from bringup.parsers import ParseError, show_gids
from tests.parsers.platform_fixtures import fixture


def test_cx7_gids():
    gids = show_gids.parse(fixture("show_gids", "cx7.txt"))
    assert [(g.index, g.type, g.ipv4) for g in gids] == [
        (0, "IB/RoCE v1", None), (1, "RoCE v2", None), (2, "IB/RoCE v1", "198.19.16.11"), (3, "RoCE v2", "198.19.16.11")]
    assert gids[3].netdev == "enp24s0np0"


def test_truncated_raises():
    text = fixture("show_gids", "cx7.txt")
    with pytest.raises(ParseError, match="no 'n_gids_found=' line"):
        show_gids.parse(text[: text.index("n_gids")])


def test_count_mismatch_raises():
    text = fixture("show_gids", "cx7.txt").replace("n_gids_found=4", "n_gids_found=6")
    with pytest.raises(ParseError, match="n_gids_found=6 but 4 rows"):
        show_gids.parse(text)


def test_garbled_row_raises():
    with pytest.raises(ParseError, match="line 1 is not a `show_gids` row: 'mlx5_0 1 0 fe80::1'"):
        show_gids.parse("mlx5_0 1 0 fe80::1\n")


def test_count_line_without_a_number_raises():
    # Found by tests/parsers/test_fuzz_parsers.py: `n_gids_found=` (cut) raised a bare ValueError from int().
    text = fixture("show_gids", "cx7.txt").replace("n_gids_found=4", "n_gids_found=")
    with pytest.raises(ParseError) as raised:
        show_gids.parse(text)
    assert str(raised.value) == "line 7: n_gids_found is not a count: 'n_gids_found='"
