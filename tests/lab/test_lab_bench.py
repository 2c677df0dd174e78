"""The lab runs its benchmarks for real (issue 10 item 8): iperf3 between two nodes' rail1 and NetPIPE's NPmpi
through real ``mpirun`` (Open MPI over ssh) and ``srun --mpi=pmix``, parsed by bringup's parsers; then the
throttle fault, whose rail must read below half its healthy figure.

A lab that is already up and provisioned is reused and left up (faults healed); otherwise a 2-node x 1-rail lab
is built, provisioned with the project's playbooks and torn down in a finally. Needs root and the Debian
packages `bringup lab up` installs; marked ``lab``. About 1 minute on a provisioned lab (2 cores), plus about
2 minutes of provisioning otherwise.

The figures are judged against the inventory (``bringup_expect.rail_bandwidth_gbps``, the lab's rail floor),
not against numbers in this file.
"""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from bringup.parsers import iperf3, netpipe
from tests.lab_harness import ROOT, bringup, lab_unavailable

pytestmark = pytest.mark.lab

INVENTORY = ROOT / "inventories" / "lab"
SSH_DIR = Path("/run/bringup-lab/ssh")
CLIENT, SERVER, RAIL = "node01", "node02", "rail1"
# NPmpi: no perturbation sizes, 1 B .. 256 KiB: ~30 points, a few seconds in the lab.
NPMPI = ["NPopenmpi", "-p", "0", "-u", "262144", "-o", "/tmp/bringup-np.out"]
# The TCP BTL on the rail under test only; ranks share the host's cores, so they yield (the lab inventory's MCA).
MCA = {"btl": "tcp,self", "btl_tcp_if_include": RAIL, "mpi_yield_when_idle": "1"}


class Lab:
    def __init__(self):
        self.hosts = yaml.safe_load((INVENTORY / "hosts.yml").read_text())["all"]["hosts"]
        self.group = yaml.safe_load((INVENTORY / "group_vars" / "all.yml").read_text())

    def rail_ip(self, node: str, rail: str = RAIL) -> str:
        host_vars = yaml.safe_load((INVENTORY / "host_vars" / f"{node}.yml").read_text())
        (address,) = [r["address"] for r in host_vars["bringup_rails"] if r["name"] == rail]
        return address.split("/")[0]

    def ssh(self, node: str, command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        argv = ["ssh", "-i", str(SSH_DIR / "id_ed25519"), "-o", f"UserKnownHostsFile={SSH_DIR / 'known_hosts'}",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", f"root@{self.hosts[node]['ansible_host']}",
                command]
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)

    def provisioned(self) -> bool:
        """Rail addresses and the mpi_stack MCA block are in place on both nodes (the playbooks ran)."""
        for node in (CLIENT, SERVER):
            probe = self.ssh(node, f"ip -4 -o addr show dev {RAIL}; grep -c 'BEGIN bringup mpi_stack' "
                                   "/etc/openmpi/openmpi-mca-params.conf")
            if probe.returncode != 0 or self.rail_ip(node) not in probe.stdout:
                return False
        return True

    def tx_bytes(self, node: str) -> dict[str, int]:
        out = self.ssh(node, "cd /sys/class/net && for r in rail*; do echo $r $(cat $r/statistics/tx_bytes); done")
        return {name: int(value) for name, value in (line.split() for line in out.stdout.splitlines())}

    def iperf3(self, client: str, server: str) -> iperf3.Report:
        """``iperf3 -J -c <server rail> -B <client rail> -t 3`` after ``iperf3 -s -1 -B <server rail>`` on the server."""
        far, near = self.rail_ip(server), self.rail_ip(client)
        start = self.ssh(server, f"nohup timeout 30 iperf3 -s -1 -B {far} >/dev/null 2>&1 & "
                                 f"for i in $(seq 50); do ss -ltn | grep -q '{far}:5201' && exit 0; sleep 0.1; done; exit 1")
        assert start.returncode == 0, f"iperf3 server on {server} never listened on {far}:5201: {start.stderr}"
        run = self.ssh(client, f"timeout 20 iperf3 -J -c {far} -B {near} -t 3", timeout=40)
        return iperf3.parse(run.stdout)


@pytest.fixture(scope="module")
def lab():
    reason = lab_unavailable()
    if reason:
        pytest.skip(reason)
    built = False
    if not (INVENTORY / "hosts.yml").exists() or not Path("/run/bringup-lab/state.json").exists():
        up = bringup("lab", "up", "--nodes", "2", "--rails", "1")
        assert up.returncode == 0, f"bringup lab up failed:\n{up.stdout}{up.stderr}"
        built = True
    try:
        handle = Lab()
        if not handle.provisioned():
            provision = bringup("provision", "--inventory", "lab", timeout=900)
            assert provision.returncode == 0, f"bringup provision --inventory lab failed:\n{provision.stdout[-4000:]}"
        yield handle
    finally:
        if built:
            down = bringup("lab", "down")
            assert down.returncode == 0, f"bringup lab down failed: {down.stderr}"


def _floor(lab: Lab) -> float:
    return float(lab.group["bringup_expect"]["rail_bandwidth_gbps"])


def test_iperf3_between_two_nodes_rail1(lab):
    report = lab.iperf3(CLIENT, SERVER)
    assert (report.local_host, report.remote_host) == (lab.rail_ip(CLIENT), lab.rail_ip(SERVER))
    assert report.received_bytes > 0 and report.seconds >= 2.9
    assert report.received_gbps > _floor(lab), f"{RAIL} {CLIENT}->{SERVER}: {report.received_gbps:.3f} Gb/s"


def _netpipe_on_rail(lab: Lab, command: str) -> netpipe.Report:
    before = lab.tx_bytes(CLIENT)
    run = lab.ssh(CLIENT, f"cd /tmp && timeout 90 {command} 2>&1", timeout=120)
    after = lab.tx_bytes(CLIENT)
    assert run.returncode == 0, f"{command}\nexit {run.returncode}:\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
    report = netpipe.parse(run.stdout)  # NetPIPE's result lines are on stderr: hence 2>&1
    sent = {rail: after[rail] - before[rail] for rail in after}
    # The TCP BTL stayed on the rail it was given: NetPIPE's payload (> 1 MB) left through rail1, not the others.
    assert sent[RAIL] > 1_000_000 and all(sent[RAIL] > 10 * moved for rail, moved in sent.items() if rail != RAIL), sent
    return report


def _judge_netpipe(lab: Lab, report: netpipe.Report) -> None:
    assert report.hosts == {0: CLIENT, 1: SERVER}
    assert report.points[0].size == 1 and report.points[-1].size == 262144
    assert 0 < report.latency_usec < 1000, f"1-byte one-way latency {report.latency_usec} us"
    assert report.peak_gbps > _floor(lab), f"NPmpi peak {report.peak_gbps:.3f} Gb/s"


def test_netpipe_through_mpirun_on_rail1(lab):
    mca = " ".join(f"--mca {k} {v}" for k, v in MCA.items())
    command = f"mpirun --allow-run-as-root -np 2 --host {CLIENT},{SERVER} {mca} {shlex.join(NPMPI)}"
    _judge_netpipe(lab, _netpipe_on_rail(lab, command))


def test_netpipe_through_srun_pmix_on_rail1(lab):
    if "bringup_slurm" not in lab.group:
        pytest.skip(f"{lab.group['bringup_design']} has no Slurm")
    env = " ".join(f"OMPI_MCA_{k}={v}" for k, v in MCA.items())
    command = f"env {env} srun --mpi=pmix -N 2 -n 2 -w {CLIENT},{SERVER} {shlex.join(NPMPI)}"
    _judge_netpipe(lab, _netpipe_on_rail(lab, command))


def test_throttled_rail_reads_below_half_its_healthy_figure(lab):
    # tbf shapes the node's egress, so the throttled node sends (iperf3's client is the sender).
    healthy = lab.iperf3(SERVER, CLIENT)
    inject = bringup("lab", "inject", "throttle", SERVER, RAIL)
    assert inject.returncode == 0, f"inject throttle: {inject.stderr}"
    try:
        time.sleep(0.5)
        throttled = lab.iperf3(SERVER, CLIENT)
    finally:
        heal = bringup("lab", "heal", SERVER)
        assert heal.returncode == 0, f"heal: {heal.stderr}"
    assert throttled.received_gbps < healthy.received_gbps / 2, (
        f"{SERVER} {RAIL}: throttled {throttled.received_gbps:.3f} Gb/s, healthy {healthy.received_gbps:.3f} Gb/s")
    assert throttled.received_gbps < _floor(lab), "the throttled rail must fail the inventory's rail floor"
