"""The traffic probe's shell, run for real: the server half backgrounds under its own timeout, the ssh hop
returns once the server's TCP port listens (iproute2 `ss`, as on a node), and the client's report comes back
as the probe's output. `ssh` and perftest are stubs here (no RDMA on this machine); the stub ssh runs the remote
command locally and the stub perftest listens/connects on loopback only."""

import shutil
import subprocess
import sys
import time

import pytest

from bringup.inventory import load_inventory
from bringup.parsers import perftest
from bringup.probes import traffic
from tests.scenario_tools import SCENARIOS

REPORT = SCENARIOS.parent / "fixtures" / "perftest" / "write_bw_roce_400g.out"

STUB_SSH = """#!/bin/sh
for last; do :; done   # the remote command is ssh's last argument
exec sh -c "$last"
"""

STUB_PERFTEST = f"""#!{sys.executable}
import socket, sys, time
args = sys.argv[1:]
port = int(args[args.index("-p") + 1])
client = args[-1].count(".") == 3 and args[-2] != "-p"
if client:  # stands for the far node: connect on loopback, never to the rail address
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    sys.stdout.write(open({str(REPORT)!r}).read())
else:
    if "{{MUTE}}" == "mute":
        time.sleep(7)  # past the probe's 5 s wait for the port, then gone
        sys.exit(0)
    with socket.socket() as srv:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", port)); srv.listen(1); srv.settimeout(20)
        conn, _ = srv.accept(); conn.close()
"""


@pytest.fixture
def stubs(tmp_path):
    if not shutil.which("ss"):
        pytest.skip("iproute2 `ss` not installed")

    def make(mute=False):
        folder = tmp_path / ("mute" if mute else "bin")
        folder.mkdir(exist_ok=True)
        (folder / "ssh").write_text(STUB_SSH)
        (folder / "ib_write_bw").write_text(STUB_PERFTEST.replace("{MUTE}", "mute" if mute else "live"))
        for tool in ("ssh", "ib_write_bw"):
            (folder / tool).chmod(0o755)
        return {"PATH": f"{folder}:/usr/sbin:/usr/bin:/sbin:/bin"}
    return make


@pytest.fixture(scope="module")
def node():
    return load_inventory(str(SCENARIOS / "h100" / "inventory")).node("node01")


def test_pair_probe_runs_server_then_client(node, stubs):
    probe = traffic.pair_probe(node, node.rail("rail1"), traffic.tests(node)["bw"])
    started = time.monotonic()
    done = subprocess.run(["/bin/sh", "-c", probe.command], env=stubs(), capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert perftest.parse(done.stdout).bandwidth[0].average == 392.18
    assert time.monotonic() - started < 10  # ssh returned as soon as the server listened


def test_server_that_never_listens_is_named(node, stubs):
    probe = traffic.pair_probe(node, node.rail("rail2"), traffic.tests(node)["bw"])
    done = subprocess.run(["/bin/sh", "-c", probe.command], env=stubs(mute=True), capture_output=True, text=True,
                          timeout=30)
    port = traffic.PORT_BASE + 8 * 2 + traffic.tests(node)["bw"].slot
    assert done.returncode == 1 and done.stdout == ""
    assert f"ib_write_bw server did not listen on port {port} of" in done.stderr


def test_benchmarks_prefix_from_the_inventory(node):
    import dataclasses

    moved = dataclasses.replace(node, vars={**node.vars, "bringup_mpi": {"benchmarks_prefix": "/srv/bench x"}})
    command = traffic.pair_probe(moved, moved.rail("rail0"), traffic.tests(moved)["lat"]).command
    assert "b='/srv/bench x/perftest/bin/ib_write_lat'" in command.split("&& ", 1)[1]
