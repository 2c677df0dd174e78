#!/usr/bin/env python3
"""Probe fan-out cost against its floor, on N real sshd nodes on loopback (root, openssh-server).

For every layer with a probe plan, three ways to get the same outputs from every node:

- suite: the Prober the suites use (one framed session per node per layer, nodes concurrently);
- floor: one hand-written ``ssh node 'cmd1; cmd2; ...'`` per node, nodes in parallel (no framing, no parsing);
- naive: one testinfra ``host.run`` per check, one after another, as a loop of plain testinfra tests would.

Prints the wall times and the ratios suite/floor (target <= 1.5) and naive/suite.

    sudo python3 benchmarks/probe_overhead.py --nodes 8 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bringup.designs import parse_layer_selection  # noqa: E402
from bringup.inventory import load_inventory  # noqa: E402
from bringup.probe.prober import Prober  # noqa: E402
from bringup.probe.transport import TestinfraTransport  # noqa: E402
from bringup.probes import plan_for, registered_layers  # noqa: E402
from tests.sshd_nodes import SshdNodes, available  # noqa: E402


def ssh_argv(node) -> list[str]:
    c = node.connection
    return ["ssh", "-o", "BatchMode=yes", "-p", str(c.port), "-i", c.identity_file, *c.ssh_args, f"{c.user}@{c.host}"]


def floor(nodes, layers) -> float:
    start = time.perf_counter()
    for layer in layers:
        procs = [subprocess.Popen(ssh_argv(n) + ["; ".join(p.command for p in plan_for(n, layer))],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for n in nodes]
        for proc in procs:
            proc.wait()
    return time.perf_counter() - start


def suite(nodes, layers, record: Path) -> float:
    prober = Prober(lambda n: TestinfraTransport(n), record)
    start = time.perf_counter()
    for layer in layers:
        prober.prefetch(nodes, layer)
    return time.perf_counter() - start


def naive(nodes, layers) -> float:
    start = time.perf_counter()
    for node in nodes:
        host = TestinfraTransport(node).host
        for layer in layers:
            for probe in plan_for(node, layer):
                try:
                    host.run(probe.command)
                except RuntimeError:  # testinfra's ssh backend raises on rc 255 (e.g. an ssh-mesh probe)
                    pass
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--layers", default="1-15", help="layers whose probe plans to run (default 1-15)")
    parser.add_argument("--rails", type=int, default=0,
                        help="declare N rails per node (netdevs that don't exist: their probes run and fail fast, "
                             "as on a node whose NIC is missing), so the network layers have plans too")
    args = parser.parse_args()
    reason = available()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        cluster_nodes = SshdNodes(Path(tmp) / "ssh", args.nodes).start()
        try:
            rails = [{"name": f"rail{i}", "netdev": f"bench{i}"} for i in range(args.rails)]
            inventory = cluster_nodes.write_inventory(Path(tmp) / "inv",
                                                      group_vars={"bringup_rails": rails} if rails else None)
            nodes = list(load_inventory(str(inventory)).nodes)
            wanted = parse_layer_selection(args.layers)
            layers = [layer for layer in registered_layers() if layer in wanted and plan_for(nodes[0], layer)]
            commands = sum(len(plan_for(nodes[0], layer)) for layer in layers)
            times = {"floor": [], "suite": [], "naive": []}
            for i in range(args.repeat):
                times["floor"].append(floor(nodes, layers))
                times["suite"].append(suite(nodes, layers, Path(tmp) / f"run{i}"))
                times["naive"].append(naive(nodes, layers))
        finally:
            cluster_nodes.stop()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{args.nodes} sshd nodes on loopback, {args.rails} rails each, layers {layers}, {commands} commands per node, "
          f"median of {args.repeat}")
    for key in ("floor", "suite", "naive"):
        print(f"  {key:5s} {med[key] * 1000:8.1f} ms")
    print(f"suite / floor = {med['suite'] / med['floor']:.2f}x   (target <= 1.5x)")
    print(f"naive / suite = {med['naive'] / med['suite']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
