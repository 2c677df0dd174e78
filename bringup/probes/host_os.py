"""Layer 6 probes: kernel and OS baseline, locked-memory limit, CPU governor and TuneD profile, time sync."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Node

KERNEL = Probe("kernel", "uname -r")
OS_RELEASE = Probe("os-release", "cat /etc/os-release")
MEMLOCK = Probe("memlock", "ulimit -l")
GOVERNOR = Probe("governor", "grep -H . /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor")
CHRONY = Probe("chrony", "chronyc -n tracking")
TIMEDATECTL = Probe("timedatectl", "timedatectl show")
TUNED = Probe("tuned", "tuned-adm active")


def plan(node: "Node") -> list[Probe]:
    return [KERNEL, OS_RELEASE, MEMLOCK, GOVERNOR, CHRONY, TIMEDATECTL, TUNED]
