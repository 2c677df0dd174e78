"""Layer 6 judges: host OS & kernel baseline, locked memory, CPU governor, TuneD profile, time sync (layers.md L6).

Pure: each takes parsed facts (bringup.parsers) and expected values (bringup.expect.Expected) and returns the
check's one Verdict; suites/l06_host_os/test_host_os.py reads the facts and records the verdict.
"""

from __future__ import annotations

from typing import Any

from bringup.checks.verdict import Verdict, at_least, decisive, equal, fleet_identical, holds
from bringup.expect import Expected


def os_name(release: dict[str, str]) -> str:
    """/etc/os-release's PRETTY_NAME, else "ID VERSION_ID" (os-release(5): PRETTY_NAME is optional)."""
    return release.get("PRETTY_NAME") or f"{release.get('ID')} {release.get('VERSION_ID', '')}".strip()


def kernel_identical(node: str, kernels: dict[str, str], declared: Expected | None) -> Verdict:
    """layers.md L6: one kernel across the fleet (the declared one, else the majority's)."""
    return fleet_identical("kernel", node, kernels, declared)


def os_identical(node: str, names: dict[str, str], declared: Expected | None) -> Verdict:
    return fleet_identical("OS release", node, names, declared)


def memlock(kib: int | None, wanted: Expected) -> Verdict:
    """``ulimit -l`` (KiB; ulimit parser: None for "unlimited"): RDMA registers (pins) every buffer it sends
    from, so the locked-memory limit must be unlimited, or at least the declared figure."""
    if wanted.value == "unlimited":
        return equal("ulimit -l", "unlimited" if kib is None else kib, wanted, "KiB")
    return at_least("ulimit -l", float("inf") if kib is None else kib, wanted, "KiB")


def governor(governors: dict[int, str], wanted: Expected) -> Verdict:
    """Every CPU on the policy's governor (layers.md L6: performance; a powersave CPU adds wake-up latency)."""
    odd = sorted(cpu for cpu, gov in governors.items() if gov != wanted.value)
    message = (f"CPU governor: {len(odd)} of {len(governors)} CPUs not {wanted.value!r} ({wanted.source}), "
               f"e.g. cpu{odd[0]} is {governors[odd[0]]!r}") if odd else ""
    return holds("CPU governor", not odd, sorted(set(governors.values())), wanted.value, wanted.source, message)


def tuned_profile(node: str, state, wanted: Expected) -> Verdict:
    """layers.md L6 `tuned-adm active`: a profile of the allowed ones is active and the daemon applies it.
    ``state`` is the parsed ``tuned-adm active`` (bringup.parsers.tuned_adm), None when tuned-adm is not
    installed although the inventory names a profile (the suite skips when nobody asked for one)."""
    allowed = [wanted.value] if isinstance(wanted.value, str) else list(wanted.value)
    what = "TuneD profile"
    if state is None:
        return holds(what, False, "tuned-adm not installed", wanted.value, wanted.source,
                     f"tuned-adm not installed on {node} ({wanted.source} is {wanted.value})")
    measured = state.profile if state.running else f"{state.profile} (daemon not running)"
    if not state.profile:
        return holds(what, False, measured, wanted.value, wanted.source,
                     f"no TuneD profile active on {node}; expected one of {allowed} ({wanted.source})")
    if not state.running:
        return holds(what, False, measured, wanted.value, wanted.source,
                     f"tuned is not running on {node}: preset profile {state.profile} is not applied")
    # a merged profile ("hpc-compute sap-hana") passes as a whole or through any one of its parts
    ok = state.profile in allowed or any(p in allowed for p in state.profiles)
    return holds(what, ok, measured, wanted.value, wanted.source,
                 f"TuneD profile on {node} is {state.profile!r}, expected one of {allowed} ({wanted.source})")


def chrony_synchronised(node: str, tracking, limit: Expected) -> Verdict:
    """chronyd tracks a source (Leap status Normal) and the system clock is within the policy's offset:
    collectives time out and logs across nodes cannot be ordered on a drifting clock."""
    what = "chronyd tracking"
    measured = f"{tracking.leap_status}, offset {tracking.system_offset_s:+.6f} s"
    reference = f"synchronised, |offset| <= {limit.value}"
    return decisive(
        holds(what, tracking.synchronised, measured, reference, limit.source,
              f"chronyd on {node} is not synchronised (Leap status: {tracking.leap_status})", "s"),
        holds(what, abs(tracking.system_offset_s) <= limit.value, measured, reference, limit.source,
              f"clock offset {tracking.system_offset_s:+.6f} s exceeds {limit.value} s ({limit.source})", "s"))


def timedatectl_synchronised(node: str, values: dict[str, str], wanted: Expected) -> Verdict:
    """Without chronyd: systemd's view (timesyncd or another NTP client) must say synchronised."""
    synced = values.get("NTPSynchronized")
    return holds("NTPSynchronized", synced == "yes", f"NTPSynchronized={synced}", "yes", wanted.source,
                 f"timedatectl on {node}: NTPSynchronized={synced}")


def no_time_source(node: str, results: list[Any], wanted: Expected) -> Verdict:
    """Neither chronyc nor timedatectl answered (``results``: their CommandResults): nothing shows the clock
    is disciplined, which the policy requires."""
    why = "; ".join(f"`{r.command}` rc {r.rc}: {(r.stderr or r.stdout).strip()[:80]}" for r in results)
    return holds("time sync", False, why, wanted.value, wanted.source,
                 f"no time-sync source answered on {node} ({why})")
