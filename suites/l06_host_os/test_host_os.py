"""L6 host OS & kernel: identical baseline, memlock, CPU governor and TuneD profile, time sync (layers.md L6)."""

import pytest

from bringup import expect
from bringup.parsers import chronyc, cpufreq, os_release, scalar, timedatectl, tuned_adm, ulimit


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


def test_tuned_profile_matches_policy(node, facts, check):
    """layers.md L6 `tuned-adm active`: a performance profile (band: site policy, policy.yml tuned_profile).
    TuneD is optional where the inventory names no profile: the governor check above still holds."""
    wanted = expect.declared(node, "tuned_profile")
    if wanted.value == "any":
        pytest.skip(f"no TuneD profile requirement ({wanted.source}: any)")
    result = facts.result("tuned")
    if result.not_found:
        if "tuned_profile" in node.expect:
            pytest.fail(f"tuned-adm not installed on {node.name} ({wanted.source} is {wanted.value})")
        pytest.skip(f"tuned-adm not installed on {node.name} and the inventory names no TuneD profile")
    allowed = [wanted.value] if isinstance(wanted.value, str) else list(wanted.value)
    # rc 1 is how tuned-adm reports "No current active profile."
    state = facts.parsed("tuned", tuned_adm.parse, allow_rc=(0, 1))
    check.record(state.profile if state.running else f"{state.profile} (daemon not running)", wanted)
    assert state.profile, f"no TuneD profile active on {node.name}; expected one of {allowed} ({wanted.source})"
    assert state.running, f"tuned is not running on {node.name}: preset profile {state.profile} is not applied"
    # a merged profile ("hpc-compute sap-hana") passes as a whole or through any one of its parts
    assert state.profile in allowed or any(p in allowed for p in state.profiles), \
        f"TuneD profile on {node.name} is {state.profile!r}, expected one of {allowed} ({wanted.source})"


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
