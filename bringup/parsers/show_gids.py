"""``show_gids [<dev>]`` (MLNX_OFED/DOCA script). Example (ConnectX-7, RoCE, tabs between columns)::

    DEV	PORT	INDEX	GID					IPv4  		VER	DEV
    ---	----	-----	---					------------  	---	---
    mlx5_0	1	0	fe80:0000:0000:0000:a288:c2ff:fe1f:4010			v1	enp24s0np0
    mlx5_0	1	1	fe80:0000:0000:0000:a288:c2ff:fe1f:4010			v2	enp24s0np0
    mlx5_0	1	2	0000:0000:0000:0000:0000:ffff:c613:100b	198.19.16.11  	v1	enp24s0np0
    mlx5_0	1	3	0000:0000:0000:0000:0000:ffff:c613:100b	198.19.16.11  	v2	enp24s0np0
    n_gids_found=4

The closing ``n_gids_found=N`` must match the rows, or the output counts as truncated.
"""

from __future__ import annotations

from bringup.parsers.common import ParseError, lines, whole_lines
from bringup.parsers.gid_sysfs import Gid

TOOL = "show_gids"


@whole_lines
def parse(text: str) -> list[Gid]:
    gids: list[Gid] = []
    total = None
    for number, raw in enumerate(lines(text), start=1):
        words = raw.split()
        if not words or words[0] in ("DEV", "---"):
            continue
        if words[0].startswith("n_gids_found="):
            count = words[0].split("=", 1)[1]
            if len(words) != 1 or not count.isdecimal():
                raise ParseError(f"line {number}: n_gids_found is not a count: {raw.strip()[:120]!r}")
            total = int(count)
            continue
        if len(words) not in (6, 7) or not words[1].isdecimal() or not words[2].isdecimal() \
                or words[-2] not in ("v1", "v2"):
            raise ParseError(f"line {number} is not a `show_gids` row: {raw.strip()[:120]!r}")
        kind = "RoCE v2" if words[-2] == "v2" else "IB/RoCE v1"
        gids.append(Gid(words[0], int(words[1]), int(words[2]), words[3], kind, words[-1]))
    if total is None:
        raise ParseError("no 'n_gids_found=' line: output truncated")
    if total != len(gids):
        raise ParseError(f"n_gids_found={total} but {len(gids)} rows: output truncated")
    return gids
