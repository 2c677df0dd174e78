"""Traffic probes: perftest between a node and its ring neighbour on each rail (layers.md L8, L12, L13).

The rows that need traffic share one shape: the *server* half of a perftest pair starts on the neighbour (the
same ring as the jumbo ping, :mod:`bringup.pairs`, so every node sends once and serves once per rail), then the
*client* runs here and its report is the probe's output. The server is started over the node-to-node SSH mesh
and backgrounded with its own ``timeout``; the ssh command returns once the server listens on its TCP port
(perftest exchanges QP data over TCP before the RDMA test), so the client never races it. Each (rail, test) has
its own port, so the concurrent probes of all nodes never share a server. Example probe command (one line)::

    ssh -o BatchMode=yes ... node02 'b=/opt/bringup/bench/perftest/bin/ib_write_bw; [ -x "$b" ] || b=ib_write_bw;
      (timeout 60 "$b" -d mlx5_0 -F --report_gbits -q 4 -s 65536 -D 5 --tclass=106 -p 18515 </dev/null
      >/dev/null 2>&1 &); ...wait until port 18515 listens...' && b=...; "$b" -d mlx5_0 ... -p 18515 198.19.16.12

Traffic needs that mesh: D4 requires it (mpirun over ssh); elsewhere ``bringup_expect.traffic_checks: true``
declares that nodes reach each other over ssh. Without it the checks skip and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from shlex import quote
from typing import TYPE_CHECKING

from bringup import expect
from bringup.probes import Probe
from bringup.probes.runtime import SSH_OPTS, mesh_required

if TYPE_CHECKING:
    from bringup.inventory import Node
    from bringup.model import Rail

PORT_BASE = 18515  # perftest's own default port; rail i, test t uses PORT_BASE + 8 * i + t
SERVER_GRACE_S = 30  # a server whose client never came exits this long after the test should have ended
PERFTEST_PREFIX = "/opt/bringup/bench"  # playbooks/roles/benchmarks: benchmarks_prefix default


@dataclass(frozen=True)
class PairTest:
    """One perftest measurement; ``slot`` gives it a port of its own on every rail."""

    name: str
    tool: str
    args: tuple[str, ...]
    slot: int
    cuda: bool = False
    seconds: int = 0  # the test's own duration (-D), for the server's timeout


def enabled(node: "Node") -> bool:
    declared = node.expect.get("traffic_checks")
    return bool(declared) if declared is not None else mesh_required(node)


def skip_reason(node: "Node", rail: "Rail") -> str | None:
    """Why this rail has no traffic test, in the inventory's words; None when it has one."""
    if not rail.rdma_device:
        return f"inventory declares no RDMA device for {node.name} {rail.name}"
    if not enabled(node):
        return (f"traffic checks need ssh from {node.name} to its ring neighbour; {node.design.id} "
                f"({node.design.slug}) does not require it: declare bringup_expect.traffic_checks: true")
    peer = node.rail_peers.get(rail.name)
    if peer is None or rail.address is None:
        return f"inventory gives {node.name} {rail.name} no address or no other node on {rail.name}"
    if not node.peer_rails[rail.name].rdma_device:
        return f"inventory declares no RDMA device for {peer[0]} {rail.name} (the far end)"
    return None


def _seconds(node: "Node", key: str) -> int:
    return int(expect.declared(node, key).value)


def tests(node: "Node") -> dict[str, PairTest]:
    """The perftest measurements, with the lengths and sizes of bringup/policy.yml (or the inventory's)."""
    # tos and roce_gid_index are integers by the schema (bringup.model.Expect); int() and quote() keep them
    # one inert word even for a value that did not come through it.
    tos = expect.declared(node, "tos", node.fabric.tos, "bringup_fabric.tos")
    common = ("-F",) + ((quote(f"--tclass={int(tos.value)}"),) if tos else ())
    gid = node.expect.get("roce_gid_index")  # unset: perftest picks the RoCE v2 GID itself
    common += ("-x", quote(str(int(gid)))) if gid is not None else ()
    bw = ("--report_gbits", "-q", "4", "-s", "65536")  # layers.md §4: >= 64 KB messages, 4 QPs
    proof_s, bw_s = _seconds(node, "traffic_proof_seconds"), _seconds(node, "perftest_seconds")
    return {
        "proof": PairTest("proof", "ib_write_bw", common + bw + ("-D", str(proof_s)), 0, seconds=proof_s),
        "bw": PairTest("bw", "ib_write_bw", common + bw + ("-D", str(bw_s)), 1, seconds=bw_s),
        "lat": PairTest("lat", "ib_write_lat", common + ("-s", "2", "-n", "1000"), 2, seconds=1),
        "gdr-host": PairTest("gdr-host", "ib_write_bw", common + bw + ("-D", str(bw_s)), 3, seconds=bw_s),
        "gdr-cuda": PairTest("gdr-cuda", "ib_write_bw", common + bw + ("-D", str(bw_s)), 4, cuda=True,
                             seconds=bw_s),
    }


def bench_prefix(node: "Node") -> str:
    """Where the benchmarks role installed them: ``bringup_mpi.benchmarks_prefix``, as the role reads it."""
    return str((node.vars.get("bringup_mpi") or {}).get("benchmarks_prefix") or PERFTEST_PREFIX)


def _binary(node: "Node", tool: str) -> str:
    """The perftest the benchmarks role built (with CUDA where the node has it), else the distro's on PATH."""
    built = quote(f"{bench_prefix(node)}/perftest/bin/{tool}")
    return f'b={built}; [ -x "$b" ] || b={tool}'


def _side(test: PairTest, rail: "Rail", port: int) -> str:
    cuda = (f"--use_cuda={rail.gpu}",) if test.cuda and rail.gpu is not None else ()
    return " ".join(("\"$b\"", "-d", quote(rail.rdma_device or ""), *test.args, *cuda, "-p", str(port)))


def pair_probe(node: "Node", rail: "Rail", test: PairTest) -> Probe:
    peer_name, peer_address = node.rail_peers[rail.name]
    far = node.peer_rails[rail.name]
    port = PORT_BASE + 8 * node.rails.index(rail) + test.slot
    server = (f"{_binary(node, test.tool)}; (timeout {test.seconds + SERVER_GRACE_S} {_side(test, far, port)} "
              f"</dev/null >/dev/null 2>&1 &); i=0; while [ $i -lt 50 ]; do "
              f"ss -Hltn 'sport = :{port}' | grep -q . && exit 0; sleep 0.1; i=$((i+1)); done; "
              f"echo \"{test.tool} server did not listen on port {port} of $(hostname)\" >&2; exit 1")
    client = f"{_binary(node, test.tool)}; {_side(test, rail, port)} {quote(peer_address)}"
    return Probe(f"perftest-{test.name}-{rail.name}",
                 f"ssh {SSH_OPTS} -- {quote(peer_name)} {quote(server)} && {client}")


def counters(rail: "Rail", when: str) -> Probe:
    """``ethtool -S`` before and ``ethtool --statistics`` (the same counters) after the proof: two distinct
    commands, so each has its own recording and a replay serves the right one to each."""
    flag = "-S" if when == "before" else "--statistics"
    return Probe(f"counters-{when}-{rail.name}", f"ethtool {flag} {quote(rail.netdev)}")


def proof_plan(node: "Node") -> list[Probe]:
    """L8: counters, a perftest on the RoCE traffic class, counters again, rail by rail."""
    probes: list[Probe] = []
    proof = tests(node)["proof"]
    for rail in node.rails:
        if skip_reason(node, rail) is None:
            probes += [counters(rail, "before"), pair_probe(node, rail, proof), counters(rail, "after")]
    return probes


def gdr_plan(node: "Node") -> list[Probe]:
    """L12: host memory, then GPU memory, on every rail that has its GPU declared at both ends."""
    probes: list[Probe] = []
    chosen = tests(node)
    for rail in node.rails:
        if skip_reason(node, rail) is None and rail.gpu is not None and node.peer_rails[rail.name].gpu is not None:
            probes += [pair_probe(node, rail, chosen["gdr-host"]), pair_probe(node, rail, chosen["gdr-cuda"])]
    return probes
