"""Triage of an nccl-tests output (``all_reduce_perf`` and friends): the benchmark's judgement, busbw against
``baselines/<profile>/nccl-tests.yaml`` (bringup/bench/rows.py + judge.py), ``#wrong`` != 0 fails."""

from __future__ import annotations

import re

from bringup.bench import rows
from bringup.parsers.nccl_tests import Result
from bringup.triage import bench_judge
from bringup.triage.model import Context, Finding

TOOL = "nccl-tests"
# The header lines nccl-tests prints, after any `srun -l` (" 0: ", padded) or `mpirun --tag-output` prefix.
_MARK = re.compile(r"^(?:\s*\d+: |\[\d+,\d+\]<stdout>:)?(?:#\s+size\s+count\s+type\s+redop|# nccl-tests version|"
                   r"# Avg bus bandwidth\s*:|#\s+Using devices\s*$)", re.M)


def detect(text: str) -> bool:
    return bool(_MARK.search(text))


def findings(parsed: Result, ctx: Context) -> list[Finding]:
    try:
        frame = rows.nccl_rows(parsed, case=ctx.source, subject=ctx.source)
    except ValueError as exc:
        return [Finding("warn", parsed.op or "nccl-tests", f"cannot key a baseline: {exc}")]
    nodes, gpus = int(frame["nodes"].iloc[0]), int(frame["gpus_per_node"].iloc[0])
    return bench_judge.findings(frame, f"{nodes} node(s) x {gpus} GPU(s):")
