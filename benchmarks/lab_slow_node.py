"""What the slow-node fault does to the lab's benchmark, measured on the real lab (issue 12 item 6).

On a lab that is up and provisioned, with node CPU budgets (bringup/lab/cgroups.py), runs the lab's benchmark
tool as the suites do (``iperf3 -J -t 5`` over SSH, server on one node, client on the other, each bound to its
rail address) for node02 -> node03, node03 -> node02 and node04 -> node05 on every rail, first healthy, then
with ``bringup lab inject slow-node node02``; also times an SSH login to node02 and reads each node's throttled
periods (cpu.stat nr_throttled). Prints per pair the Gb/s and iperf3's own CPU share (cpu_utilization_percent,
client / server), then two ratios:

* the baseline's fail limit (baselines/lab/iperf3.yaml: value x (1 - lower)) over node02's best figure under
  the fault: above 1 means every node02 pair fails the baseline, the localization's first-pass signal;
* the other nodes' pair under the fault over its healthy figure: about 1 means the hog stays in node02.

Needs root. About 2 minutes on the 2-core VM.

    sudo bringup lab up --nodes 5 --rails 2 --provision && sudo python3 benchmarks/lab_slow_node.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bringup.lab import addressing, cgroups, nodes, state  # noqa: E402

PAIRS = [("node02", "node03"), ("node03", "node02"), ("node04", "node05")]
PORT = 5399  # not the suites' 5201+: a suite run alongside would not collide


def ssh_argv(node: str, command: list[str]) -> list[str]:
    address = str(addressing.node_mgmt_address(int(node.removeprefix("node"))).ip)
    return ["ssh", "-i", str(nodes.CLIENT_KEY), "-o", f"UserKnownHostsFile={nodes.KNOWN_HOSTS}",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", f"root@{address}", "--", *command]


def iperf3(client: str, server: str, rail: int) -> tuple[float, float, float]:
    """(Gb/s received, client CPU %, server CPU %) of one 5 s run, as the iperf3-rail case runs it."""
    far = str(addressing.node_rail_address(int(server[-2:]), rail).ip)
    near = str(addressing.node_rail_address(int(client[-2:]), rail).ip)
    subprocess.run(ssh_argv(server, ["iperf3", "-s", "-1", "-D", "-B", far, "-p", str(PORT)]), check=True,
                   capture_output=True, timeout=120)
    time.sleep(0.5)
    out = subprocess.run(ssh_argv(client, ["iperf3", "-c", far, "-B", near, "-p", str(PORT), "-t", "5", "-J"]),
                         capture_output=True, text=True, timeout=180).stdout
    end = json.loads(out)["end"]
    cpu = end["cpu_utilization_percent"]
    return end["sum_received"]["bits_per_second"] / 1e9, cpu["host_total"], cpu["remote_total"]


def ssh_login_s(node: str) -> float:
    started = time.monotonic()
    subprocess.run(ssh_argv(node, ["true"]), check=True, capture_output=True, timeout=120)
    return time.monotonic() - started


def throttled(lab: state.LabState) -> dict[str, int]:
    hierarchy = cgroups.find()
    out = {}
    for node in lab.node_names:
        stat = (cgroups.group_dir(hierarchy, node) / "cpu.stat").read_text().split()
        out[node] = int(stat[stat.index("nr_throttled") + 1])
    return out


def measure(lab: state.LabState, label: str) -> dict[tuple[str, str, int], float]:
    before = throttled(lab)
    figures = {}
    print(f"{label}: SSH login to node02 {ssh_login_s('node02'):.2f} s")
    for rail in range(1, lab.rails + 1):
        for client, server in PAIRS:
            gbps, host, remote = iperf3(client, server, rail)
            figures[(client, server, rail)] = gbps
            print(f"  {label:9} rail{rail} {client} -> {server}: {gbps:.3f} Gb/s (CPU {host:.1f}% / {remote:.1f}%)")
    after = throttled(lab)
    print(f"  {label:9} throttled periods: " + ", ".join(f"{n} {after[n] - before[n]}" for n in lab.node_names))
    return figures


def bringup(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "bringup.cli", *args], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"lab_slow_node: bringup {' '.join(args)} failed: {proc.stderr.strip()}")


def main() -> int:
    lab = state.load()
    if lab is None or not lab.complete or lab.nodes < 5:
        sys.exit("lab_slow_node: needs a provisioned lab of 5 nodes or more "
                 "(sudo bringup lab up --nodes 5 --rails 2 --provision)")
    if not (lab.cpu_budget or "").startswith(f"{cgroups.NODE_QUOTA_US / cgroups.PERIOD_US:g} CPU"):
        sys.exit(f"lab_slow_node: the lab has no node CPU budgets ({lab.cpu_budget})")
    base = yaml.safe_load((ROOT / "baselines" / "lab" / "iperf3.yaml").read_text())["baselines"][0]
    fail_below = base["value"] * (1 - base["lower"])
    healthy = measure(lab, "healthy")
    bringup("lab", "inject", "slow-node", "node02")
    try:
        slow = measure(lab, "slow-node")
    finally:
        bringup("lab", "heal")
    node02 = [v for (c, s, _), v in slow.items() if "node02" in (c, s)]
    others = [slow[k] / healthy[k] for k in slow if "node02" not in k[:2]]
    print(f"baseline fail limit {fail_below:.3f} Gb/s / node02's best under the fault {max(node02):.3f} = "
          f"{fail_below / max(node02):.2f} (above 1: every node02 pair fails)")
    print(f"other nodes under the fault / healthy: {min(others):.3f}-{max(others):.3f} (about 1: untouched)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
