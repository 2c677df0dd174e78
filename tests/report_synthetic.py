"""A synthetic run directory of any size, for the report's scale tests and benchmarks/report_scale.py.

The shape is the run directory contract (meta.json, results.jsonl, bench/results.csv, bench/verdicts.csv) with
the columns and message formats the suites and the judge write; the values are generated: N nodes, every
layer, ``checks`` checks per node and layer, node pairs with per-rail perftest figures and an nccl-tests
all_reduce size sweep. One node fails at L03 (its layers above are blocked, as the gate does), one rail of one
pair runs at half bandwidth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from bringup.designs import LAYER_BY_NUMBER

SIZES = [2 ** k for k in range(3, 34)]   # 8 B .. 8 GiB, nccl-tests -b 8 -e 8G -f 2 (layers.md section 4)


def make_run(path: Path, nodes: int = 512, checks: int = 30, rails: int = 8, *, node_name=None,
             message_extra: str = "") -> Path:
    path = Path(path)
    (path / "bench").mkdir(parents=True, exist_ok=True)
    names = [node_name(i) if node_name else f"node{i:03d}" for i in range(1, nodes + 1)]
    bad = names[min(16, nodes - 1)]
    meta = {"run_id": path.name, "status": "finished", "exit_status": 1, "design": "baremetal-slurm-roce",
            "inventory": "inventories/synthetic", "started": 1796300000.0, "ended": 1796303600.0,
            "tool_version": "0.1.0", "git_commit": None, "nodes": names}
    (path / "meta.json").write_text(json.dumps(meta))
    cause = "test_link_speed_matches_profile[{node}-rail2]"
    with (path / "results.jsonl").open("w") as out:
        for layer in range(1, 16):
            slug = LAYER_BY_NUMBER[layer].slug
            for node in names:
                for k in range(checks):
                    name = f"test_{slug}_check_{k}[{node}]" if not (layer == 3 and k == 0) else cause.format(node=node)
                    record = {"nodeid": f"suites/l{layer:02d}_{slug}/test_{slug}.py::{name}", "name": name,
                              "classname": f"suites.l{layer:02d}_{slug}.test_{slug}", "outcome": "passed",
                              "message": "", "duration": 0.001, "when": "call", "layer": layer, "node": node,
                              "measured": "400000", "expected": "400000 (inventory bringup_rails[].speed_mbps)"}
                    if node == bad and layer == 3 and k == 0:
                        record.update(outcome="failed", measured="200000",
                                      message=f"{node} rail2 runs at 200000 Mb/s; expected 400000{message_extra}")
                    elif node == bad and layer > 3:
                        record.update(outcome="blocked", when="setup", measured=None, expected=None,
                                      message=f"blocked: {node} failed at L03: {cause.format(node=node)}")
                    out.write(json.dumps(record) + "\n")
    rows, judged = [], []
    for a, b in zip(names[0::2], names[1::2]):
        for r in range(rails):
            value = 195.9 if (a == names[0] and r == 3) else 391.5 - 0.1 * r
            case = f"perftest-write-bw@rail{r}@{a}+{b}"
            row = dict(case=case, benchmark="perftest", op="ib_write_bw", size=65536, nodes=2, gpus_per_node=0,
                       algo="", buffer="host", metric="bandwidth", value=value, unit="Gb/s",
                       subject=f"rail{r}@{a}+{b}", valid=True, invalid_reason="")
            rows.append(row)
            fail = value < 380.24
            judged.append(dict(row, outcome="fail" if fail else "pass", reference=392.0, limit=380.24,
                               delta_pct=(value / 392 - 1) * 100, pct_of_physical=value / 4,
                               baseline_file="baselines/h100-cx7-400g/perftest.yaml", baseline_line=10,
                               message=f"ib_write_bw 64 KiB bandwidth {value:g} Gb/s is {100 - value / 3.92:.1f}% "
                                       f"under 392 Gb/s (lower -3%, baselines/h100-cx7-400g/perftest.yaml:10)"
                                       if fail else ""))
        case = f"nccl-all_reduce-ring@{a}+{b}"
        for size in SIZES:
            bus = round(366.0 * size / (size + 2 ** 24), 2)
            for metric, value in (("algbw", round(bus / 1.5, 2)), ("busbw", bus)):
                rows.append(dict(case=case, benchmark="nccl-tests", op="all_reduce", size=size, nodes=2,
                                 gpus_per_node=8, algo="Ring", buffer="", metric=metric, value=value, unit="GB/s",
                                 subject=f"{a}+{b}", valid=True, invalid_reason=""))
        judged.append(dict(rows[-1], outcome="pass", reference=380.0, limit=340.1, delta_pct=-3.7,
                           pct_of_physical=rows[-1]["value"] / 4, baseline_file="baselines/h100-cx7-400g/nccl-tests.yaml",
                           baseline_line=60, message=""))
    pd.DataFrame(rows).to_csv(path / "bench" / "results.csv", index=False)
    pd.DataFrame(judged).to_csv(path / "bench" / "verdicts.csv", index=False)
    return path
