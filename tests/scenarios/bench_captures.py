"""Writes the benchmark outputs of the recorded H100 scenario: ``tests/scenarios/h100/bench/`` (deterministic).

    python -m tests.scenarios.bench_captures

One file per planned benchmark run (``bringup/bench/plan.py`` ids, e.g. ``nccl-all_reduce-ring@node01+node02.out``,
the client's stdout as the tool prints it) and, under ``faults/``, the outputs the fault overlays swap in.
Written for bringup, not captured (no RoCE cluster is at hand):

- perftest: each node's client reports (``captures/<node>/perftest-{bw,lat,gdr-cuda}-<rail>.out``, perftest 24.x
  layout), the per-rail benchmarks of both directions (host memory, and GPU memory with ``--use_cuda``);
- nccl-tests: ``tests/fixtures/nccl_tests/generate.py``'s ``render`` (nccl-tests 2.17 printf formats), 16 ranks
  on two 8-GPU nodes, figures from layers.md §4: 1-node all_reduce ~478 GB/s busbw (NVLS, [S49][S50]),
  2-node Ring all_reduce ~366 GB/s ([S51][S52]), per-rail sendrecv ~47 GB/s ("46-48 GB/s per NIC", [S49]);
- OSU 7.4: the layout of osu_util.c (``# OSU MPI[-CUDA] ... Test v7.4``, ``# Datatype: MPI_CHAR.``, size
  left-aligned in 10 columns, the figure right-aligned in 20 with two decimals), H-H latency ~2.0 us, D-D ~3.1 us,
  4 MB bandwidth ~48,500 MB/s ([S49]).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
H100 = HERE / "h100"
OUT = H100 / "bench"
RAILS = [f"rail{i}" for i in range(8)]
PAIR = "node01+node02"


def _nccl_render():
    spec = importlib.util.spec_from_file_location("nccl_generate", HERE.parent / "fixtures/nccl_tests/generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def osu(test: str, unit_header: str, figures: dict[int, float], cuda: bool = False) -> str:
    head = [f"# OSU MPI{'-CUDA' if cuda else ''} {test} Test v7.4"]
    if cuda:
        head.append("# Send Buffer on DEVICE (D) and Receive Buffer on DEVICE (D)")
    head += ["# Datatype: MPI_CHAR.", f"# Size      {unit_header}"]
    return "\n".join(head + [f"{size:<10d}{value:>20.2f}" for size, value in figures.items()]) + "\n"


def osu_latency(base: float, cuda: bool = False) -> str:
    return osu("Latency", "Avg Latency(us)", {s: base + 0.01 * i for i, s in enumerate([0, 1, 2, 4, 8])}, cuda)


def osu_bw(peak: float, cuda: bool = False) -> str:
    sizes = [2 ** i for i in range(23)]
    figures = {s: peak * s / (s + 16384.0) if s < 4194304 else peak for s in sizes}
    return osu("Bandwidth", "Bandwidth (MB/s)", figures, cuda)


def with_init_log(table: str) -> str:
    """The Ring all_reduce runs with NCCL_DEBUG=INFO NCCL_DEBUG_SUBSYS=INIT,NET: NCCL's INFO lines (those of the
    recorded INIT,NET job, ``captures/node01/nccl-job.out``) follow the rank table, before the first row."""
    log = [line for line in (H100 / "captures" / "node01" / "nccl-job.out").read_text().splitlines()
           if " NCCL INFO " in line or " NCCL WARN " in line]
    lines = table.splitlines()
    at = max(i for i, line in enumerate(lines) if line.startswith("#  Rank ")) + 1
    return "\n".join(lines[:at] + log + lines[at:]) + "\n"


def outputs() -> dict[str, str]:
    gen = _nccl_render()
    captures = H100 / "captures" / "node01"
    files: dict[str, str] = {}
    for rail in RAILS:
        # perftest runs both ways (pairing: ring): each node's client report, as the L13/L12 captures hold it.
        for client, server in (("node01", "node02"), ("node02", "node01")):
            sent = H100 / "captures" / client
            files[f"perftest-write-bw@{rail}@{client}+{server}"] = (sent / f"perftest-bw-{rail}.out").read_text()
            files[f"perftest-write-lat@{rail}@{client}+{server}"] = (sent / f"perftest-lat-{rail}.out").read_text()
            files[f"perftest-write-bw-gpu@{rail}@{client}+{server}"] = (
                sent / f"perftest-gdr-cuda-{rail}.out").read_text()
        files[f"nccl-sendrecv-rail@{rail}@{PAIR}"] = gen.render("sendrecv", nranks=2, per_node=1, peak=47.2)
    files[f"osu-latency-hh@{PAIR}"] = osu_latency(2.02)
    files[f"osu-bw-hh@{PAIR}"] = osu_bw(48512.0)
    files[f"osu-latency-dd@{PAIR}"] = osu_latency(3.08, cuda=True)
    files[f"osu-bw-dd@{PAIR}"] = osu_bw(47890.0, cuda=True)
    for node in ("node01", "node02"):
        files[f"nccl-all_reduce-1node@{node}"] = gen.render("all_reduce", nranks=8, peak=478.0)
    files[f"nccl-all_reduce-ring@{PAIR}"] = with_init_log(gen.render("all_reduce", peak=366.0))
    files[f"nccl-all_gather@{PAIR}"] = gen.render("all_gather", peak=358.0)
    files[f"nccl-reduce_scatter@{PAIR}"] = gen.render("reduce_scatter", peak=357.0)
    files[f"nccl-alltoall@{PAIR}"] = gen.render("alltoall", peak=341.0)
    return files


def fault_outputs() -> dict[str, str]:
    """Outputs of the benchmark fault overlays (``faults/bench_*.yml`` name them by file)."""
    gen = _nccl_render()
    healthy = (H100 / "captures" / "node01" / "perftest-bw-rail3.out").read_text()
    row = " 65536      7473945          0.00               391.85 \t\t     0.747395"
    assert row in healthy, "the rail3 capture changed: update the half-rate row"
    half = healthy.replace(row, " 65536      3736972          0.00               195.93 \t\t     0.373698")
    return {
        "rail3_half_perftest": half,
        "rail3_half_sendrecv": gen.render("sendrecv", nranks=2, per_node=1, peak=23.6),
        "all_gather_wrong": gen.render("all_gather", peak=358.0, wrong={4294967296: (0, 3)}),
        # NCCL on the bootstrap socket instead of RoCE: a few GB/s, however many rails there are.
        "all_reduce_socket_fallback": with_init_log(gen.render("all_reduce", peak=2.9)),
        # ACS redirects GPU->NIC peer traffic through the root complex: inter-node busbw halves (layers.md §4 [S18]).
        "all_reduce_acs_halved": with_init_log(gen.render("all_reduce", peak=183.0)),
        # NVLink SHARP off on node01: the default algorithm falls back to Ring over NVLink (~370 ceiling, [S50]).
        "all_reduce_1node_nvls_off": gen.render("all_reduce", nranks=8, peak=362.0),
    }


def main() -> None:
    (OUT / "faults").mkdir(parents=True, exist_ok=True)
    for name, text in outputs().items():
        (OUT / f"{name}.out").write_text(text)
    for name, text in fault_outputs().items():
        (OUT / "faults" / f"{name}.out").write_text(text)


if __name__ == "__main__":
    main()
