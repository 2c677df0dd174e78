"""L6 host OS & kernel: identical baseline, memlock, CPU governor, time sync (layers.md L6)."""

import pytest

from bringup import expect
from bringup.parsers import chronyc, cpufreq, os_release, scalar, timedatectl, ulimit


def _os_name(facts):
    values = facts.parsed("os-release", os_release.parse)
    return values.get("PRETTY_NAME") or f"{values.get('ID')} {values.get('VERSION_ID', '')}".strip()


def test_kernel_identical_fleet_wide(node, facts, fleet, check):
    facts.parsed("kernel", scalar.parse)
    values = fleet(lambda f: f.parsed("kernel", scalar.parse))
    check.fleet_identical("kernel", node.name, values, expect.declared(node, "kernel"))


def test_os_identical_fleet_wide(node, facts, fleet, check):
    _os_name(facts)
    check.fleet_identical("OS release", node.name, fleet(_os_name), expect.declared(node, "os"))


def test_memlock_unlimited(node, facts, check):
    wanted = expect.declared(node, "memlock")
    if wanted.value == "any":
        pytest.skip(f"no locked-memory requirement ({wanted.source}: any)")
    kib = facts.parsed("memlock", ulimit.parse)
    measured = "unlimited" if kib is None else kib
    if wanted.value == "unlimited":
        check.equal("ulimit -l", measured, wanted, "KiB")
    else:
        check.at_least("ulimit -l", float("inf") if kib is None else kib, wanted, "KiB")


def test_cpu_governor_matches_policy(node, facts, check):
    result = facts.result("governor")
    if result.rc != 0 and not result.stdout.strip():
        pytest.skip(f"cpufreq is not exposed on {node.name} (no scaling_governor files; a VM or container?)")
    wanted = expect.declared(node, "cpu_governor")
    if wanted.value == "any":
        pytest.skip(f"no CPU governor requirement ({wanted.source}: any)")
    governors = facts.parsed("governor", cpufreq.parse, allow_rc=(0, 2))
    odd = sorted(cpu for cpu, gov in governors.items() if gov != wanted.value)
    check.record(sorted(set(governors.values())), wanted)
    assert not odd, (f"CPU governor: {len(odd)} of {len(governors)} CPUs not {wanted.value!r} ({wanted.source}), "
                     f"e.g. cpu{odd[0]} is {governors[odd[0]]!r}")


def test_time_synchronised(node, facts, check):
    wanted = expect.declared(node, "time_sync")
    if wanted.value == "not_required":
        pytest.skip(f"time sync not required ({wanted.source})")
    chrony, systemd = facts.result("chrony"), facts.result("timedatectl")
    if chrony.rc == 0:
        tracking = facts.parsed("chrony", chronyc.parse)
        limit = expect.declared(node, "time_max_offset_s")
        check.record(f"{tracking.leap_status}, offset {tracking.system_offset_s:+.6f} s", limit, "s")
        assert tracking.synchronised, f"chronyd on {node.name} is not synchronised (Leap status: {tracking.leap_status})"
        assert abs(tracking.system_offset_s) <= limit.value, \
            f"clock offset {tracking.system_offset_s:+.6f} s exceeds {limit.value} s ({limit.source})"
    elif systemd.rc == 0:
        synced = facts.parsed("timedatectl", timedatectl.parse)["NTPSynchronized"]
        check.record(f"NTPSynchronized={synced}", "yes")
        assert synced == "yes", f"timedatectl on {node.name}: NTPSynchronized={synced}"
    else:
        why = "; ".join(f"`{r.command}` rc {r.rc}: {(r.stderr or r.stdout).strip()[:80]}" for r in (chrony, systemd))
        pytest.fail(f"no time-sync source answered on {node.name} ({why})")
