"""What a GPU node's kernel log must not hold, judged per event class: the words both the L11 checks
(suites/l11_gpu/test_kernel_events.py, test_gpu_stack.py) and ``bringup triage`` print.

Pure: a parsed :class:`bringup.parsers.dmesg.Dmesg`, the device names a node knows (PCI address -> "GPU 3",
"rail2 (mlx5_2)") and the policy's thresholds in, one message per offending device out. Each message names the
event, the device and what it means, e.g. ``Xid 79 (GPU has fallen off the bus) on GPU 3 (PCI:0000:5e:00)``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from bringup.parsers.dmesg import Dmesg

# The classes, in the order a report lists them, with the words a finding's subject uses.
CLASSES = OrderedDict([
    ("xid", "NVIDIA Xid"),
    ("fallen_off", "GPU fallen off the bus"),
    ("gdr", "GPUDirect RDMA kernel path (peermem/dma-buf)"),
    ("aer", "PCIe AER"),
    ("link_limited", "PCIe bandwidth limited"),
    ("sxid", "NVSwitch SXid"),
])


@dataclass(frozen=True)
class Limits:
    """The policy's knobs (bringup/policy.yml: xid_ignore, aer_corrected_max)."""

    xid_ignore: frozenset[int] = frozenset()
    aer_corrected_max: int = 0


@dataclass(frozen=True)
class Devices:
    """What a node calls its PCI functions: GPUs by bus number (the Xid names domain:bus:device only), everything
    else by full address."""

    gpus_by_bus: dict[int, str] = field(default_factory=dict)
    by_bdf: dict[str, str] = field(default_factory=dict)

    def name(self, bdf: str | None) -> str:
        if not bdf:
            return "an unnamed GPU"
        bdf = bdf.lower()
        if bdf in self.by_bdf:
            return f"{self.by_bdf[bdf]} ({bdf})"
        try:
            bus = int(bdf.split(":")[1], 16)
        except (IndexError, ValueError):
            return bdf
        return f"{self.gpus_by_bus[bus]} ({bdf})" if bus in self.gpus_by_bus else bdf


def _xid(log: Dmesg, devices: Devices, limits: Limits) -> list[str]:
    return [f"Xid {x.xid} ({x.meaning}) on {devices.name(x.pci)}: {x.detail[:100]}"
            for x in log.xids if x.xid not in limits.xid_ignore]


def _fallen_off(log: Dmesg, devices: Devices, limits: Limits) -> list[str]:
    seen: dict[str | None, str] = {}
    for event in log.fallen_off:
        pci_id = f", PCI ID {event.pci_id}" if event.pci_id else ""
        seen.setdefault(event.bdf, f"{devices.name(event.bdf)}{pci_id} has fallen off the bus without an Xid: the GPU "
                                   "no longer answers on PCIe (reseat/power/board fault; NVIDIA Xid 79)")
    return list(seen.values())


def _gdr(log: Dmesg, devices: Devices, limits: Limits) -> list[str]:
    return [f"{e.module}: {e.message} (the GPUDirect RDMA kernel path is broken: NIC access to GPU memory fails)"
            for e in log.gdr_errors]


def _aer(log: Dmesg, devices: Devices, limits: Limits) -> list[str]:
    uncorrected = [e for e in log.aer if not e.corrected]
    corrected = [e for e in log.aer if e.corrected]
    out = [f"PCIe AER {e.severity} {e.type} error on {devices.name(e.bdf)} ({e.driver})"
           + (f": {', '.join(e.errors)}" if e.errors else "") + " (the link lost data the device could not recover)"
           for e in uncorrected]
    if len(corrected) > limits.aer_corrected_max:
        by_device: dict[str, list] = {}
        for e in corrected:
            by_device.setdefault(e.bdf, []).append(e)
        for bdf, events in by_device.items():
            bits = sorted({b for e in events for b in e.errors})
            out.append(f"PCIe AER {len(events)} corrected {events[0].type} error(s) on {devices.name(bdf)} "
                       f"({events[0].driver})" + (f": {', '.join(bits)}" if bits else "")
                       + f" (link retries; more than {limits.aer_corrected_max} allowed by policy aer_corrected_max)")
    return out


def _link_limited(log: Dmesg, devices: Devices, limits: Limits) -> list[str]:
    return [f"{devices.name(e.bdf)} has {e.available_gbps:g} Gb/s of PCIe bandwidth, limited by a {e.speed} "
            f"x{e.width} link at {e.at} (capable of {e.capable_gbps:g} Gb/s with {e.capable_speed} x{e.capable_width}: "
            "a slot, riser or port trained below the device)" for e in log.link_limited]


def _sxid(log: Dmesg, devices: Devices, limits: Limits) -> list[str]:
    return [f"SXid {s.sxid} on NVSwitch {s.bdf} ({s.switch}): {s.detail[:100]}" for s in log.sxids]


_JUDGES = {"xid": _xid, "fallen_off": _fallen_off, "gdr": _gdr, "aer": _aer, "link_limited": _link_limited,
           "sxid": _sxid}


def problems(log: Dmesg, kind: str, devices: Devices | None = None, limits: Limits | None = None) -> list[str]:
    """One message per offending event (or device) of class ``kind`` (a key of :data:`CLASSES`)."""
    return _JUDGES[kind](log, devices or Devices(), limits or Limits())


def limits_from(expected: dict) -> Limits:
    """Limits from a policy-shaped mapping (bringup/policy.yml keys, as bringup.expect.policy() returns)."""
    return Limits(frozenset(int(x) for x in expected.get("xid_ignore") or []),
                  int(expected.get("aer_corrected_max", 0) or 0))
