"""Provisioning converges the lab (issue 4): bare lab nodes -> a working D2 / D4 cluster, the suites of the
layers the playbooks configure pass afterwards, and a second run changes nothing on any host.

Needs root and network namespaces (marker ``lab``). The test builds its own lab and removes it; where a lab
of the same design is already up (someone is using it) it provisions that one and leaves it up, and where a
lab of another design is up it skips rather than tearing someone's lab down.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bringup.provision import provision

ROOT = Path(__file__).resolve().parents[2]
# The layers whose state the playbooks make in the lab: LLDP on the rails (L3), jumbo MTU on the rails (L4),
# rail routing (L9), SSH mesh and names (L14), Slurm or mpirun (L15). Others depend on the host the lab runs
# on (kernel cmdline, memlock in a container) or on hardware the lab has not got.
LAYERS = "3,4,9,14,15"

pytestmark = pytest.mark.lab


def _lab_or_skip():
    if os.geteuid() != 0:
        pytest.skip("the lab needs root")
    try:
        from bringup.lab import lab, state
    except ImportError as exc:  # the lab lands in its own issue
        pytest.skip(f"bringup.lab not available: {exc}")
    return lab, state


@pytest.fixture(scope="module", params=["baremetal-slurm-roce", "baremetal-mpi-roce"])
def lab_for(request):
    lab, state = _lab_or_skip()
    design = request.param
    existing = state.load()
    if existing is not None:
        if existing.design != design or not existing.complete:
            pytest.skip(f"a lab is up ({existing.design}); not tearing it down for a {design} run")
        yield design, False
        return
    try:
        lab.up(nodes_count=2, rails=2, design=design, log=lambda *_: None)
    except Exception as exc:  # no namespaces in this container, packages missing: say why
        pytest.skip(f"cannot build the lab here: {exc}")
    try:
        yield design, True
    finally:
        lab.down(log=lambda *_: None)


# Lab nodes share the host's kernel: the CPU governor in /sys/devices/system/cpu is the host's own, so the
# test never lets a lab run set it, whatever the generated lab inventory says.
HOST_SAFE = {"os_baseline_cpu_governor": "any"}


def _converge(tmp_path: Path, name: str, check: bool = False):
    out = io.StringIO()
    outcome = provision("lab", check=check, extravars=HOST_SAFE, reports_root=tmp_path / name, out=out)
    assert outcome.rc == 0 and not outcome.failed_hosts, out.getvalue()[-6000:]
    return outcome


def test_lab_converges_then_suites_pass_then_nothing_changes(lab_for, tmp_path):
    design, built = lab_for
    if built:
        _converge(tmp_path, "check", check=True)  # --check on bare nodes: runs clean, changes nothing
    first = _converge(tmp_path, "first")
    if built:
        assert all(row["changed"] > 0 for row in first.recap.values()), "bare nodes must need changes"

    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    suites = subprocess.run(
        [sys.executable, "-m", "pytest", "suites/", "--inventory", "lab", "--layers", LAYERS, "--no-gate", "-q",
         "--reports-dir", str(tmp_path / "suites")],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    assert suites.returncode == 0, suites.stdout[-6000:]

    second = _converge(tmp_path, "second")
    changed = {host: row["changed"] for host, row in second.recap.items() if row["changed"]}
    assert not changed, f"{design}: a second provisioning run changed something: {changed}"
