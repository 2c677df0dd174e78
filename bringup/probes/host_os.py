"""Layer 6 probes: kernel and OS baseline, locked-memory limit, CPU governor and TuneD profile, time sync."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bringup.parsers import chronyc, cpufreq, os_release, scalar, timedatectl, tuned_adm, ulimit
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

KERNEL = Probe("kernel", "uname -r", parser=scalar.parse)
OS_RELEASE = Probe("os-release", "cat /etc/os-release", parser=os_release.parse)
MEMLOCK = Probe("memlock", "ulimit -l", parser=ulimit.parse)
# grep exits 2 when some CPU has no cpufreq folder (offline CPUs) yet prints the others' governors.
GOVERNOR = Probe("governor", "grep -H . /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor", parser=cpufreq.parse,
                 allow_rc=(0, 2))
CHRONY = Probe("chrony", "chronyc -n tracking", parser=chronyc.parse)
TIMEDATECTL = Probe("timedatectl", "timedatectl show", parser=timedatectl.parse)
# rc 1 is how tuned-adm reports "No current active profile."
TUNED = Probe("tuned", "tuned-adm active", parser=tuned_adm.parse, allow_rc=(0, 1))


def plan(node: "Node") -> list[Probe]:
    return [KERNEL, OS_RELEASE, MEMLOCK, GOVERNOR, CHRONY, TIMEDATECTL, TUNED]
