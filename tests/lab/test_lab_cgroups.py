"""bringup.lab.cgroups without root: which hierarchy holds the nodes' groups, the files a budget writes, the
argv that starts a command inside a group, and ``create`` into a folder laid out as a cgroup v2 hierarchy.

The /proc/self/mounts texts: HYBRID is this project's development VM (Debian 12 userland, a 6.18 kernel, the cpu
controller on a legacy hierarchy, the cgroup2 mount offering only hugetlb), captured 2026-12-04; UNIFIED is
what systemd mounts on a fresh Debian 12 (systemd 252: unified hierarchy only, at /sys/fs/cgroup)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bringup.lab import cgroups
from bringup.lab.errors import LabError

HYBRID = """\
tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0
cgroup /sys/fs/cgroup/cpuset cgroup rw,relatime,cpuset 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
"""
UNIFIED = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0
"""
V2, V1 = cgroups.Hierarchy(2, Path("/sys/fs/cgroup")), cgroups.Hierarchy(1, Path("/sys/fs/cgroup/cpu"))


def test_a_fresh_debian_uses_the_unified_hierarchy():
    controllers = {"/sys/fs/cgroup": "cpuset cpu io memory hugetlb pids rdma misc\n"}
    assert cgroups.cpu_hierarchy(UNIFIED, controllers) == V2


def test_a_hybrid_host_uses_the_legacy_cpu_hierarchy_when_cgroup2_offers_no_cpu():
    assert cgroups.cpu_hierarchy(HYBRID, {"/sys/fs/cgroup/unified": "hugetlb\n"}) == V1


def test_no_cpu_controller_anywhere_is_none():
    assert cgroups.cpu_hierarchy(UNIFIED, {"/sys/fs/cgroup": "memory pids\n"}) is None
    assert cgroups.cpu_hierarchy(HYBRID.replace(",cpu 0", ",cpuset 0"), {}) is None  # cpuset is not cpu


def test_group_paths():
    assert cgroups.group_dir(V2) == Path("/sys/fs/cgroup/bringup-lab")
    assert cgroups.group_dir(V2, "node02") == Path("/sys/fs/cgroup/bringup-lab/node02")
    assert cgroups.group_dir(V1, "node02") == Path("/sys/fs/cgroup/cpu/bringup-lab/node02")


def test_budget_files_per_version():
    assert cgroups.budget_writes(V2, 150_000) == [("cpu.max", "150000 100000")]
    assert cgroups.budget_writes(V2, None) == [("cpu.max", "max 100000")]
    # legacy: the period first, so a quota is never judged against the old period
    assert cgroups.budget_writes(V1, 150_000) == [("cpu.cfs_period_us", "100000"), ("cpu.cfs_quota_us", "150000")]
    assert cgroups.budget_writes(V1, None) == [("cpu.cfs_quota_us", "-1")]


def test_cgroup_v2_enables_the_cpu_controller_for_the_lab_and_its_nodes():
    assert cgroups.enable_writes(V2) == [(Path("/sys/fs/cgroup/cgroup.subtree_control"), "+cpu"),
                                         (Path("/sys/fs/cgroup/bringup-lab/cgroup.subtree_control"), "+cpu")]
    assert cgroups.enable_writes(V1) == []


def test_in_group_argv_writes_its_own_pid_then_becomes_the_command(tmp_path):
    """Run for real against a plain file: the pid written is the pid of the command (exec keeps it)."""
    procs = tmp_path / "cgroup.procs"
    argv = cgroups.in_group_argv(procs, ["sh", "-c", 'echo "$$ $1"', "x", "a b; $(touch pwned)"])
    assert argv[:4] == ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(procs)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=tmp_path).stdout.split(" ", 1)
    assert out == [procs.read_text().strip(), "a b; $(touch pwned)\n"]
    assert not (tmp_path / "pwned").exists()


def test_in_group_argv_runs_nothing_when_the_group_cannot_be_joined(tmp_path):
    argv = cgroups.in_group_argv(tmp_path / "no" / "cgroup.procs", ["touch", str(tmp_path / "ran")])
    assert subprocess.run(argv, capture_output=True).returncode != 0
    assert not (tmp_path / "ran").exists()


@pytest.fixture
def v2(tmp_path, monkeypatch):
    hierarchy = cgroups.Hierarchy(2, tmp_path)
    monkeypatch.setattr(cgroups, "find", lambda: hierarchy)
    monkeypatch.setattr(cgroups, "unavailable", lambda: None)
    return hierarchy


def test_create_makes_a_budgeted_group_per_node(v2):
    cgroups.create(["node01", "node02"])
    assert (v2.mount / "cgroup.subtree_control").read_text() == "+cpu"
    assert (v2.mount / "bringup-lab" / "cgroup.subtree_control").read_text() == "+cpu"
    assert sorted(p.name for p in (v2.mount / "bringup-lab").iterdir() if p.is_dir()) == ["node01", "node02"]
    assert cgroups.budget_text(v2, "node02") == "150000 100000"


def test_create_names_the_file_it_could_not_write(v2):
    (v2.mount / "bringup-lab" / "node02" / "cpu.max").mkdir(parents=True)  # a directory: the write fails
    with pytest.raises(LabError, match=rf"^node02: CPU budget: cannot write '150000 100000' to "
                                       rf"{v2.mount}/bringup-lab/node02/cpu.max: Is a directory$"):
        cgroups.create(["node01", "node02"])


def test_create_refuses_with_the_reason_where_no_group_can_be_made(monkeypatch):
    monkeypatch.setattr(cgroups, "unavailable", lambda: "/sys/fs/cgroup is not writable")
    with pytest.raises(LabError, match="^no CPU budget per node: /sys/fs/cgroup is not writable$"):
        cgroups.create(["node01"])


def test_remove_takes_the_groups_away_and_is_idempotent(v2):
    base = v2.mount / "bringup-lab"
    (base / "node01").mkdir(parents=True)  # empty folders: rmdir works as on cgroupfs
    assert cgroups.remove() == [f"removed {base}"]
    assert not base.exists()
    assert cgroups.remove() == []
