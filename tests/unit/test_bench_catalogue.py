"""The benchmark catalogue (bringup/bench/catalogue.yml): what it holds, how it is validated, when a case skips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from bringup.bench import catalogue
from bringup.bench.catalogue import CatalogueError
from bringup.inventory import load_inventory
from bringup.model import Hardware, Mpi

EXAMPLES = Path(__file__).resolve().parents[2] / "inventories" / "examples"


@pytest.fixture(scope="module")
def d4_nodes():
    return list(load_inventory(str(EXAMPLES / "baremetal-mpi-roce")).nodes)


def _write(tmp_path: Path, entries: list[dict], tools: dict | None = None) -> Path:
    path = tmp_path / "catalogue.yml"
    default = {"nccl-tests": "{prefix}/src/nccl-tests/build/{binary}", "osu": None, "perftest": None,
               "iperf3": None, "netpipe": None}
    path.write_text(yaml.safe_dump({"tools": tools if tools is not None else default, "benchmarks": entries}))
    return path


def _nccl(**overrides) -> dict:
    entry = {"id": "nccl-x", "tool": "nccl-tests", "binary": "all_reduce_perf", "op": "all_reduce", "layer": 13,
             "scope": "all-nodes", "ranks_per_node": "gpus", "needs": {"gpus": True},
             "args": ["-b", "8", "-e", "8G", "-f", "2", "-n", "20", "-w", "5", "-g", "1"], "timeout_s": 600,
             "judged_sizes": [8589934592]}
    entry.update(overrides)
    return entry


def test_catalogue_holds_the_issue_entries():
    cat = catalogue.default()
    by_id = {c.id: c for c in cat.benchmarks}
    assert [(c.id, c.binary, c.scope, c.needs.gpus, c.pairing) for c in cat.benchmarks if c.tool == "perftest"] == [
        ("perftest-write-bw", "ib_write_bw", "rail-pair", False, "ring"),
        ("perftest-write-bw-gpu", "ib_write_bw", "rail-pair", True, "ring"),  # L12: GPU memory vs host memory
        ("perftest-write-lat", "ib_write_lat", "rail-pair", False, "ring")]
    assert {(c.binary, c.args[-3:] == ("cuda", "D", "D")) for c in cat.benchmarks if c.tool == "osu"} == {
        ("osu_latency", False), ("osu_bw", False), ("osu_latency", True), ("osu_bw", True)}
    assert by_id["nccl-all_reduce-1node"].scope == "node" and by_id["nccl-all_reduce-1node"].env == {}
    assert by_id["nccl-all_reduce-ring"].env == {"NCCL_ALGO": "Ring", "NCCL_DEBUG": "INFO",
                                                 "NCCL_DEBUG_SUBSYS": "INIT,NET"}  # its log serves L12/L13
    assert {c.op for c in cat.benchmarks if c.scope == "all-nodes"} == {"all_reduce", "all_gather",
                                                                       "reduce_scatter", "alltoall"}
    sendrecv = by_id["nccl-sendrecv-rail"]
    assert (sendrecv.scope, sendrecv.ranks_per_node, sendrecv.judged_sizes) == ("rail-pair", 1,
                                                                                 (1073741824, 8589934592))
    assert [(c.id, c.needs.lab_only) for c in cat.benchmarks if c.tool in ("iperf3", "netpipe")] == [
        ("iperf3-rail", True), ("netpipe-pair", True)]


def test_binary_path_follows_the_benchmarks_prefix(d4_nodes):
    cat = catalogue.default()
    node = d4_nodes[0]
    assert cat.binary_path(cat.case("nccl-alltoall"), node) == "/opt/bringup/bench/src/nccl-tests/build/alltoall_perf"
    moved = dataclasses.replace(node, mpi=Mpi(**{"benchmarks_prefix": "/srv/bench"}))
    assert cat.binary_path(cat.case("osu-bw-hh"), moved) == \
        "/srv/bench/osu/libexec/osu-micro-benchmarks/mpi/pt2pt/osu_bw"
    assert cat.binary_path(cat.case("perftest-write-lat"), moved) == "/srv/bench/perftest/bin/ib_write_lat"
    assert cat.binary_path(cat.case("netpipe-pair"), moved) == "NPopenmpi"  # Debian's, on PATH


def test_unknown_benchmark_names_the_known_ones():
    with pytest.raises(CatalogueError, match=r"catalogue.yml: no benchmark 'nccl-allreduce'; known: perftest-write-bw, "):
        catalogue.default().case("nccl-allreduce")


def test_a_valid_file_loads(tmp_path):
    cat = catalogue.load(_write(tmp_path, [_nccl()]))
    assert cat.case("nccl-x").judged_sizes == (8589934592,)


@pytest.mark.parametrize("entry, message", [
    (_nccl(tool="nccl"), r"benchmarks\[0\] \(nccl-x\): tool: Input should be 'nccl-tests'"),
    (_nccl(scope="rack"), r"benchmarks\[0\] \(nccl-x\): scope: Input should be 'node'"),
    (_nccl(designs=["D7"]), r"benchmarks\[0\] \(nccl-x\): designs: .*D1..D5 or 'all', got \['D7'\]"),
    (_nccl(args=["-b", "8;reboot"]), r"benchmarks\[0\] \(nccl-x\): args: plain option words only .*'8;reboot'"),
    (_nccl(env={"NCCL_ALGO": "Ring Tree"}), r"benchmarks\[0\] \(nccl-x\): env: .*'NCCL_ALGO=Ring Tree'"),
    (_nccl(args=["-b", "8", "-e", "8G", "-f", "2", "-n", "5", "-w", "5", "-g", "1"]),
     r"benchmarks\[0\] \(nccl-x\): args: -n 5: a valid nccl-tests measurement needs -n >= 20 \(layers.md §4\)"),
    (_nccl(args=["-b", "8", "-e", "8G", "-f", "2", "-n", "20", "-g", "1"]), r"-w \(missing\): .* -w >= 5"),
    (_nccl(judged_sizes=[17179869184]), r"judged_sizes: \[17179869184\] outside the measured -b 8 .. -e 8G"),
    (_nccl(timeout="600"), r"benchmarks\[0\] \(nccl-x\): timeout: Extra inputs are not permitted"),
])
def test_schema_errors_name_file_entry_and_key(tmp_path, entry, message):
    path = _write(tmp_path, [entry])
    with pytest.raises(CatalogueError, match=message) as err:
        catalogue.load(path)
    assert str(err.value).startswith(f"{path}: ")


def test_duplicate_ids_and_missing_tool_paths(tmp_path):
    with pytest.raises(CatalogueError, match=r"benchmarks: duplicate id \['nccl-x'\]"):
        catalogue.load(_write(tmp_path, [_nccl(), _nccl()]))
    with pytest.raises(CatalogueError, match=r"tools: no install path for \['nccl-tests'\]"):
        catalogue.load(_write(tmp_path, [_nccl()], tools={"osu": None}))


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "catalogue.yml"
    path.write_text("tools: {}\nbenchmarks:\n  - id: [x\n")
    with pytest.raises(CatalogueError, match=rf"{path}:4: YAML syntax error"):
        catalogue.load(path)


def test_skip_reasons_name_the_nodes(d4_nodes):
    cat = catalogue.default()
    ring = cat.case("nccl-all_reduce-ring")
    assert catalogue.skip_reason(ring, d4_nodes) is None
    no_gpus = [d4_nodes[0], dataclasses.replace(d4_nodes[1], hardware=Hardware(gpus=0))]
    assert catalogue.skip_reason(ring, no_gpus) == "nccl-all_reduce-ring needs GPUs; inventory declares none for node02"
    no_rdma = [dataclasses.replace(n, rails=tuple(r.model_copy(update={"rdma_device": None}) for r in n.rails))
               for n in d4_nodes]
    assert catalogue.skip_reason(cat.case("perftest-write-bw"), no_rdma) == \
        "perftest-write-bw needs RDMA rails; inventory declares no rdma_device for node01, node02"
    assert catalogue.skip_reason(cat.case("iperf3-rail"), d4_nodes) == \
        "iperf3-rail runs in the lab only (bringup_profile: lab); node01 is h100-cx7-400g"
    lab = [dataclasses.replace(n, profile="lab") for n in d4_nodes]
    assert catalogue.skip_reason(cat.case("iperf3-rail"), lab) is None
    assert catalogue.skip_reason(ring, d4_nodes[:1]) == \
        "nccl-all_reduce-ring (all-nodes) measures the network: it needs two nodes or more, given 1"
    assert catalogue.skip_reason(cat.case("nccl-all_reduce-1node"), d4_nodes) == \
        "nccl-all_reduce-1node (node) runs on 1 node(s), given 2"
