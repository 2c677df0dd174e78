"""The L6 judges on real captures (the recorded H100 scenario's node, the H100 VM recorded on a lent device in
tests/fixtures/recorded_h100, and tests/fixtures/tuned_adm): each passes on the healthy capture and fails, for
the right reason, on another real capture or the capture changed as a fault would."""

from __future__ import annotations

from pathlib import Path

from bringup.checks import l06_host_os as judge
from bringup.expect import Expected
from bringup.parsers import chronyc, cpufreq, os_release, scalar, timedatectl, tuned_adm, ulimit
from bringup.probe.batch import CommandResult
from tests.unit.checks.captures import policy, read

H100 = Path(__file__).resolve().parents[2] / "scenarios" / "h100" / "captures" / "common"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DEVICE = FIXTURES / "recorded_h100"


def capture(name: str, replace: tuple[str, str] | None = None) -> str:
    return read(H100 / name, *filter(None, [replace]))


def test_kernel_identical():
    h100 = scalar.parse(capture("kernel.out"))
    vm = scalar.parse((DEVICE / "uname.out").read_text())
    kernels = {"node01": h100, "node02": h100, "node03": vm}
    assert judge.kernel_identical("node01", kernels, None).outcome == "pass"
    bad = judge.kernel_identical("node03", kernels, None)
    assert bad.message == ("kernel: node03 has '6.18.44-fc-v657-gpu', expected '5.15.0-105-generic' "
                           "(fleet majority, 2 of 3 nodes); nodes that differ: node03")
    declared = Expected("6.18.44-fc-v657-gpu", "inventory bringup_expect.kernel")
    assert judge.kernel_identical("node03", kernels, declared).outcome == "pass"
    assert judge.kernel_identical("node01", kernels, declared).failed


def test_os_identical():
    jammy = judge.os_name(os_release.parse(capture("os-release.out")))
    noble = judge.os_name(os_release.parse((DEVICE / "os-release.out").read_text()))
    assert (jammy, noble) == ("Ubuntu 22.04.4 LTS", "Ubuntu 24.04.3 LTS")
    assert judge.os_name(os_release.parse('ID=debian\nVERSION_ID="12"\n')) == "debian 12"
    declared = Expected("Ubuntu 22.04.4 LTS", "inventory bringup_expect.os")
    names = {"node01": jammy, "node02": noble}
    assert judge.os_identical("node01", names, declared).outcome == "pass"
    assert judge.os_identical("node02", names, declared).message == (
        "OS release: node02 has 'Ubuntu 24.04.3 LTS', expected 'Ubuntu 22.04.4 LTS' (inventory "
        "bringup_expect.os); nodes that differ: node02")


def test_memlock():
    unlimited = ulimit.parse(capture("memlock.out"))
    assert unlimited is None
    good = judge.memlock(unlimited, policy("memlock", "unlimited"))
    assert (good.outcome, good.measured) == ("pass", "unlimited")
    assert judge.memlock(65536, policy("memlock", "unlimited")).message == \
        "ulimit -l: 65536 KiB != unlimited KiB (policy memlock in bringup/policy.yml)"
    floor = Expected(1048576, "inventory bringup_expect.memlock")
    assert judge.memlock(unlimited, floor).outcome == "pass"
    assert judge.memlock(65536, floor).message == \
        "ulimit -l: 65536 KiB < 1048576 KiB (inventory bringup_expect.memlock)"


def test_governor():
    wanted = policy("cpu_governor", "performance")
    good = judge.governor(cpufreq.parse(capture("governor.out")), wanted)
    assert (good.outcome, good.measured) == ("pass", ["performance"])
    odd = cpufreq.parse(capture("governor.out", ("cpu17/cpufreq/scaling_governor:performance",
                                                 "cpu17/cpufreq/scaling_governor:powersave")))
    bad = judge.governor(odd, wanted)
    assert bad.measured == ["performance", "powersave"]
    assert bad.message == (f"CPU governor: 1 of {len(odd)} CPUs not 'performance' (policy cpu_governor in "
                           "bringup/policy.yml), e.g. cpu17 is 'powersave'")


def test_tuned_profile():
    wanted = policy("tuned_profile", ["throughput-performance", "hpc-compute"])
    fixture = lambda name: tuned_adm.parse((FIXTURES / "tuned_adm" / name).read_text())  # noqa: E731
    good = judge.tuned_profile("node01", tuned_adm.parse(capture("tuned.out")), wanted)
    assert (good.outcome, good.measured) == ("pass", "throughput-performance")
    assert judge.tuned_profile("node01", fixture("merged_post_loaded.txt"), wanted).outcome == "pass"
    powersave = tuned_adm.parse(capture("tuned.out", ("throughput-performance", "powersave")))
    assert judge.tuned_profile("node02", powersave, wanted).message == (
        "TuneD profile on node02 is 'powersave', expected one of ['throughput-performance', 'hpc-compute'] "
        "(policy tuned_profile in bringup/policy.yml)")
    off = judge.tuned_profile("node02", fixture("daemon_off.txt"), wanted)
    assert (off.measured, off.message) == (
        "throughput-performance (daemon not running)",
        "tuned is not running on node02: preset profile throughput-performance is not applied")
    assert judge.tuned_profile("node02", fixture("none.txt"), wanted).message.startswith(
        "no TuneD profile active on node02; expected one of ['throughput-performance', 'hpc-compute']")
    declared = Expected("throughput-performance", "inventory bringup_expect.tuned_profile")
    assert judge.tuned_profile("node01", None, declared).message == (
        "tuned-adm not installed on node01 (inventory bringup_expect.tuned_profile is throughput-performance)")


def test_chrony_synchronised():
    limit = policy("time_max_offset_s", 0.1)
    good = judge.chrony_synchronised("node01", chronyc.parse(capture("chrony.out")), limit)
    assert (good.outcome, good.measured) == ("pass", "Normal, offset +0.000003 s")
    far = chronyc.parse(capture("chrony.out", ("0.000003104 seconds fast", "0.250000000 seconds slow")))
    assert judge.chrony_synchronised("node01", far, limit).message == \
        "clock offset -0.250000 s exceeds 0.1 s (policy time_max_offset_s in bringup/policy.yml)"
    lost = chronyc.parse(capture("chrony.out", ("Leap status     : Normal", "Leap status     : Not synchronised")))
    assert judge.chrony_synchronised("node01", lost, limit).message == \
        "chronyd on node01 is not synchronised (Leap status: Not synchronised)"


def test_timedatectl_and_no_source():
    wanted = policy("time_sync", "required")
    good = judge.timedatectl_synchronised("node01", timedatectl.parse(capture("timedatectl.out")), wanted)
    assert (good.outcome, good.measured) == ("pass", "NTPSynchronized=yes")
    unsynced = timedatectl.parse(capture("timedatectl.out", ("NTPSynchronized=yes", "NTPSynchronized=no")))
    assert judge.timedatectl_synchronised("node01", unsynced, wanted).message == \
        "timedatectl on node01: NTPSynchronized=no"
    results = [CommandResult("chronyc -n tracking", 127, "", "sh: 1: chronyc: not found\n"),
               CommandResult("timedatectl show", 1, "", "System has not been booted with systemd as init system "
                                                        "(PID 1). Can't operate.\n")]
    bad = judge.no_time_source("node01", results, wanted)
    assert bad.failed and bad.message == (
        "no time-sync source answered on node01 (`chronyc -n tracking` rc 127: sh: 1: chronyc: not found; "
        "`timedatectl show` rc 1: System has not been booted with systemd as init system (PID 1). Can't operate.)")
