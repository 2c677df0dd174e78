"""L6 host OS & kernel: identical baseline, memlock, CPU governor and TuneD profile, time sync (layers.md L6)."""

import pytest

from bringup import expect
from bringup.checks import l06_host_os as judge
from bringup.probes import host_os


def _os_name(facts):
    return judge.os_name(facts.get(host_os.OS_RELEASE))


def test_kernel_identical_fleet_wide(node, facts, fleet, check):
    facts.get(host_os.KERNEL)
    kernels = fleet(lambda f: f.get(host_os.KERNEL))
    check(judge.kernel_identical(node.name, kernels, expect.declared(node, "kernel")))


def test_os_identical_fleet_wide(node, facts, fleet, check):
    _os_name(facts)
    check(judge.os_identical(node.name, fleet(_os_name), expect.declared(node, "os")))


def test_memlock_unlimited(node, facts, check):
    wanted = expect.declared(node, "memlock")
    if wanted.value == "any":
        pytest.skip(f"no locked-memory requirement ({wanted.source}: any)")
    check(judge.memlock(facts.get(host_os.MEMLOCK), wanted))


def test_cpu_governor_matches_policy(node, facts, check):
    result = facts.result(host_os.GOVERNOR.key)
    if result.rc != 0 and not result.stdout.strip():
        pytest.skip(f"cpufreq is not exposed on {node.name} (no scaling_governor files; a VM or container?)")
    wanted = expect.declared(node, "cpu_governor")
    if wanted.value == "any":
        pytest.skip(f"no CPU governor requirement ({wanted.source}: any)")
    check(judge.governor(facts.get(host_os.GOVERNOR), wanted))


def test_tuned_profile_matches_policy(node, facts, check):
    """layers.md L6 `tuned-adm active`: a performance profile (band: site policy, policy.yml tuned_profile).
    TuneD is optional where the inventory names no profile: the governor check above still holds."""
    wanted = expect.declared(node, "tuned_profile")
    if wanted.value == "any":
        pytest.skip(f"no TuneD profile requirement ({wanted.source}: any)")
    missing = facts.result(host_os.TUNED.key).not_found
    if missing and "tuned_profile" not in node.expect:
        pytest.skip(f"tuned-adm not installed on {node.name} and the inventory names no TuneD profile")
    check(judge.tuned_profile(node.name, None if missing else facts.get(host_os.TUNED), wanted))


def test_time_synchronised(node, facts, check):
    wanted = expect.declared(node, "time_sync")
    if wanted.value == "not_required":
        pytest.skip(f"time sync not required ({wanted.source})")
    chrony, systemd = facts.result(host_os.CHRONY.key), facts.result(host_os.TIMEDATECTL.key)
    if chrony.rc == 0:
        check(judge.chrony_synchronised(node.name, facts.get(host_os.CHRONY),
                                        expect.declared(node, "time_max_offset_s")))
    elif systemd.rc == 0:
        check(judge.timedatectl_synchronised(node.name, facts.get(host_os.TIMEDATECTL), wanted))
    else:
        check(judge.no_time_source(node.name, [chrony, systemd], wanted))
