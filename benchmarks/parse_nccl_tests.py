#!/usr/bin/env python3
"""nccl-tests parse time on the largest output we plan for, against its floor.

The output is generated in nccl-tests' own format (tests/fixtures/nccl_tests/generate.py): 1440 ranks
(180 nodes x 8 GPUs), an all_reduce sweep 8 B .. 16 GiB (32 rows), and ``--info`` NCCL INFO lines per rank
interleaved before the table, as ``NCCL_DEBUG=INFO`` leaves them. Prints the best-of-``--repeat`` times of

- parse: ``bringup.parsers.nccl_tests.parse``;
- floor: ``str.splitlines`` + ``str.split`` of every line of the same text (no matching, no objects);

and their ratio. Target: parse well under a second.

    python3 benchmarks/parse_nccl_tests.py --ranks 1440 --info 10 --repeat 5
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bringup.parsers import nccl_tests  # noqa: E402
from tests.fixtures.nccl_tests.generate import hosts_for, render  # noqa: E402


def output(ranks: int, info: int) -> str:
    text = render("all_reduce", nranks=ranks, lo=8, hi=16 * 2**30)
    hosts = hosts_for(ranks)
    noise = [f"{hosts[r]}:{40000 + r}:{40100 + r} [{r % 8}] NCCL INFO Channel {c:02d}/0 : {r}[{r % 8}] -> "
             f"{(r + 8) % ranks}[{r % 8}] [send] via NET/IB/{r % 8}/GDRDMA" for r in range(ranks) for c in range(info)]
    head, table = text.split("#\n#  ", 1)[0], text[text.index("#\n#  ") + 2:]
    return head + "#\n" + "\n".join(noise) + ("\n" if noise else "") + table


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ranks", type=int, default=1440)
    ap.add_argument("--info", type=int, default=10, help="NCCL INFO lines per rank before the table")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    text = output(args.ranks, args.info)
    result = nccl_tests.parse(text)
    assert len(result.ranks) == args.ranks and result.complete, "generated output did not parse whole"
    parse_s = best(lambda: nccl_tests.parse(text), args.repeat)
    floor_s = best(lambda: [line.split() for line in text.splitlines()], args.repeat)
    print(f"{args.ranks} ranks, {len(result.rows)} rows, {text.count(chr(10))} lines, {len(text) / 1e6:.1f} MB")
    print(f"parse {parse_s * 1e3:.1f} ms, floor (splitlines + split) {floor_s * 1e3:.1f} ms, "
          f"ratio {parse_s / floor_s:.1f}x")


if __name__ == "__main__":
    main()
