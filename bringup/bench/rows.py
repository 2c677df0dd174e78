"""Parser results -> the long "results rows" table every benchmark becomes (notes: bench_contract.md).

One row per measured figure: nccl-tests gives ``busbw``/``algbw`` (out-of-place) and ``busbw_inplace``/
``algbw_inplace`` per size in GB/s (1e9 B/s, as nccl-tests prints); OSU gives ``latency`` (us) or ``bandwidth``
(MB/s, 1e6 B/s) per size. A row is ``valid=False`` with its reason when the measurement must fail whatever
its value: ``#wrong`` non-zero in that half, ``Out of bounds values`` FAILED, an OSU ``Validation`` of
``Fail``, or a table the parser returned incomplete (``parse(..., partial=True)``). The old nccl-tests layout's
``error`` column (a maximum relative error, ``1e-07`` on healthy float sums) has no pass mark in the tool, so
it invalidates nothing; its ``Out of bounds values`` line still does.
"""

from __future__ import annotations

import pandas as pd

from bringup.parsers import iperf3, nccl_tests, netpipe, osu

COLUMNS = ["case", "benchmark", "op", "size", "nodes", "gpus_per_node", "algo", "buffer", "metric", "value", "unit",
           "subject", "valid", "invalid_reason"]
_DTYPES = {"size": "int64", "nodes": "int64", "gpus_per_node": "int64", "value": "float64", "valid": "bool"}


def _frame(records: dict[str, list], fixed: dict[str, object]) -> pd.DataFrame:
    n = len(records["size"])
    data = {c: records[c] if c in records else [fixed[c]] * n for c in COLUMNS}
    return pd.DataFrame(data, columns=COLUMNS).astype(_DTYPES)


def _nccl_reason(result: nccl_tests.Result, m: nccl_tests.Measure, half: str) -> str:
    reasons = []
    if m.wrong:
        reasons.append(f"#wrong {m.wrong:g} {half}")
    if result.out_of_bounds_ok is False:
        reasons.append(f"Out of bounds values {result.out_of_bounds} FAILED")
    if not result.complete:
        reasons.append(f"incomplete table: {result.cause}")
    return "; ".join(reasons)


def nccl_rows(result: nccl_tests.Result, *, case: str, subject: str, op: str | None = None,
              nodes: int | None = None, gpus_per_node: int | None = None, algo: str = "") -> pd.DataFrame:
    """``op`` defaults to the binary the output names; ``nodes``/``gpus_per_node`` to the rank table's hosts."""
    op = op or result.op
    if not op:
        raise ValueError(f"{case}: the nccl-tests output names no collective (old layout); pass op=")
    if nodes is None or gpus_per_node is None:
        hosts = [r.host for r in result.ranks]
        if not hosts or result.ranks_elided:
            raise ValueError(f"{case}: the rank table is missing or elided; pass nodes= and gpus_per_node=")
        nodes = len(set(hosts)) if nodes is None else nodes
        gpus_per_node = max(hosts.count(h) for h in set(hosts)) if gpus_per_node is None else gpus_per_node
    kinds = sorted({(row.type, row.redop) for row in result.rows})
    if len(kinds) > 1:  # -d all / -o all: the contract's key has no type or redop column to tell them apart
        raise ValueError(f"{case}: the nccl-tests table mixes data types / reductions {kinds}; "
                         f"run one (-d TYPE -o OP) per benchmark case")
    records: dict[str, list] = {"size": [], "metric": [], "value": [], "valid": [], "invalid_reason": []}
    for row in result.rows:
        for m, half, suffix in ((row.out_of_place, "out-of-place", ""), (row.in_place, "in-place", "_inplace")):
            if m is None:
                continue
            reason = _nccl_reason(result, m, half)
            for metric, value in (("busbw", m.busbw), ("algbw", m.algbw)):
                records["size"].append(row.size)
                records["metric"].append(metric + suffix)
                records["value"].append(value)
                records["valid"].append(not reason)
                records["invalid_reason"].append(reason)
    return _frame(records, {"case": case, "benchmark": "nccl-tests", "op": op, "nodes": nodes,
                            "gpus_per_node": gpus_per_node, "algo": algo, "buffer": "", "unit": "GB/s",
                            "subject": subject})


def osu_rows(result: osu.Report, *, case: str, subject: str, op: str | None = None, nodes: int = 2,
             gpus_per_node: int = 0, buffer: str | None = None) -> pd.DataFrame:
    """``buffer`` defaults to what the header says (``host`` for a build without accelerator support)."""
    records: dict[str, list] = {"size": [], "metric": [], "value": [], "unit": [], "valid": [],
                                "invalid_reason": []}
    incomplete = "" if result.complete else f"incomplete table: {result.cause}"
    for row in result.rows:
        if row.bandwidth_mbs is not None:
            metric, value, unit = "bandwidth", row.bandwidth_mbs, "MB/s"
        elif row.latency_us is not None:
            metric, value, unit = "latency", row.latency_us, "us"
        else:
            continue
        reason = "; ".join(r for r in ("Validation Fail" if row.validation == "Fail" else "", incomplete) if r)
        records["size"].append(row.size)
        records["metric"].append(metric)
        records["value"].append(value)
        records["unit"].append(unit)
        records["valid"].append(not reason)
        records["invalid_reason"].append(reason)
    return _frame(records, {"case": case, "benchmark": "osu", "op": op or result.op, "nodes": nodes,
                            "gpus_per_node": gpus_per_node, "algo": "",
                            "buffer": result.buffer if buffer is None else buffer, "subject": subject})


def iperf3_rows(result: iperf3.Report, *, case: str, subject: str, op: str = "iperf3_tcp", nodes: int = 2,
                gpus_per_node: int = 0, buffer: str = "host") -> pd.DataFrame:
    """One row: what the server received (``end.sum_received``) in Gb/s (10^9 bit/s), keyed by the write size
    (``-l``, 128 KiB by default). A test in which the server received nothing is invalid whatever the figure."""
    reason = "" if result.received_bytes > 0 else f"the server received 0 bytes of {result.sent_bytes} sent"
    records = {"size": [result.blksize], "metric": ["bandwidth"], "value": [result.received_gbps],
               "valid": [not reason], "invalid_reason": [reason]}
    return _frame(records, {"case": case, "benchmark": "iperf3", "op": op, "nodes": nodes,
                            "gpus_per_node": gpus_per_node, "algo": "", "buffer": buffer, "unit": "Gb/s",
                            "subject": subject})


def netpipe_rows(result: netpipe.Report, *, case: str, subject: str, op: str = "netpipe", nodes: int = 2,
                 gpus_per_node: int = 0, buffer: str = "host") -> pd.DataFrame:
    """Two rows per message size: ``bandwidth`` in Gb/s (NetPIPE's 2^20-bit "Mbps" converted to 10^9 bit/s) and
    ``latency`` in us (NetPIPE's one-way time, half the round trip)."""
    records: dict[str, list] = {"size": [], "metric": [], "value": [], "unit": [], "valid": [], "invalid_reason": []}
    for point in result.points:
        for metric, value, unit in (("bandwidth", point.gbps, "Gb/s"), ("latency", point.usec, "us")):
            records["size"].append(point.size)
            records["metric"].append(metric)
            records["value"].append(value)
            records["unit"].append(unit)
            records["valid"].append(True)
            records["invalid_reason"].append("")
    return _frame(records, {"case": case, "benchmark": "netpipe", "op": op, "nodes": nodes,
                            "gpus_per_node": gpus_per_node, "algo": "", "buffer": buffer, "subject": subject})
