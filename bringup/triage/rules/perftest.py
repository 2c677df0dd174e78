"""Triage of a perftest output (``ib_write_bw``, ``ib_write_lat``...): bandwidth or latency against
``baselines/<profile>/perftest.yaml``, the rows made as the benchmark runner makes them (bringup/bench/outputs.py)."""

from __future__ import annotations

import re

import pandas as pd

from bringup.parsers.perftest import Report
from bringup.triage import bench_judge
from bringup.triage.model import Context, Finding

TOOL = "perftest"
_TITLE = re.compile(r"^\s+RDMA_(?:Write|Read|Send|Atomic)? ?\w* (?:BW|Latency) Test\s*$|"
                    r"^\s*#bytes\s+#iterations\s+(?:BW peak|t_min)", re.M)
_OPS = {"RDMA_Write BW Test": "ib_write_bw", "RDMA_Write Latency Test": "ib_write_lat",
        "RDMA_Read BW Test": "ib_read_bw", "RDMA_Read Latency Test": "ib_read_lat",
        "Send BW Test": "ib_send_bw", "Send Latency Test": "ib_send_lat"}


def detect(text: str) -> bool:
    return bool(_TITLE.search(text))


def findings(parsed: Report, ctx: Context) -> list[Finding]:
    op = _OPS.get(parsed.test, parsed.test)
    # --use_cuda lists the CUDA devices before the settings table; the catalogue keys that run as device memory.
    cuda = any(key.startswith("CUDA device") for key in parsed.settings)
    base = {"case": ctx.source, "benchmark": "perftest", "op": op, "nodes": 2, "gpus_per_node": int(cuda), "algo": "",
            "buffer": "device" if cuda else "host", "subject": ctx.source, "valid": True, "invalid_reason": ""}
    records = [{**base, "size": r.size, "metric": "bandwidth",
                "value": r.average if r.unit.lower().startswith("gb") else r.average * 8 / 1000, "unit": "Gb/s"}
               for r in parsed.bandwidth]
    records += [{**base, "size": r.size, "metric": "latency", "value": r.t_typical, "unit": "us"}
                for r in parsed.latency]
    if not records:
        return [Finding("fail", op, "no result rows")]
    return bench_judge.findings(pd.DataFrame(records), f"{parsed.settings.get('Device', '')}:".lstrip(":") or f"{op}:")
