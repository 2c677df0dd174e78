"""Layer 13 judges: NCCL, UCX and Open MPI on a node, and the NCCL environment contract (layers.md L13).

Pure: each takes parsed facts (bringup.parsers: ompi_info, ucx_info_devices, nccl_version, the merged
/etc/nccl.conf and session environment of nccl_conf) and expected values (bringup.expect.Expected) and
returns the check's one Verdict; suites/l13_comm_libs/ reads the facts and records it. The fleet-wide version
checks are the generic :func:`bringup.checks.verdict.fleet_identical`.
"""

from __future__ import annotations

from bringup.checks import traffic
from bringup.checks.verdict import Verdict, equal, holds
from bringup.expect import Expected
from bringup.parsers import nccl_conf


def openmpi_components(node: str, info, wanted: Expected) -> Verdict:
    """layers.md L13 / L15 D4 launch gate (``--mca pml ucx``): the declared ``framework:component`` pairs are
    in the ``ompi_info`` listing."""
    missing = [c for c in wanted.value if not info.has(*c.split(":", 1))]
    return holds(f"Open MPI components on {node}", not missing, missing or "all present", wanted.value,
                 wanted.source, f"Open MPI {info.version} on {node} lacks {', '.join(missing)} ({wanted.source})")


def ucx_rail_transports(node: str, port: str, devices: dict[str, list[str]], wanted: Expected) -> Verdict:
    """layers.md L13: UCX offers the accelerated transports (rc_mlx5, ud_mlx5) on the rail's port; without
    them the UCX PML falls back to the verbs or TCP transports."""
    have = devices.get(port, [])
    missing = [t for t in wanted.value if t not in have]
    return holds(f"UCX transports on {port}", not missing, have, wanted.value, wanted.source,
                 f"UCX on {node} offers {have or 'nothing'} on {port}, missing {missing} ({wanted.source})")


def nccl_ib_hca_selects(node: str, settings: dict[str, str], rail_name: str, device: str) -> Verdict:
    """NCCL_IB_HCA (nccl.conf or the session) selects the rail's RDMA device; unset, NCCL takes any IB device,
    the frontend NIC included (NCCL docs, "Environment Variables": NCCL_IB_HCA)."""
    spec = settings.get("NCCL_IB_HCA")
    what, reference, source = f"NCCL_IB_HCA on {node}", f"selects {device}", f"inventory {rail_name} rdma_device"
    if spec is None:
        return holds(what, False, None, reference, source,
                     f"NCCL_IB_HCA is not set on {node}: NCCL may pick the frontend NIC")
    return holds(what, nccl_conf.hca_matches(spec, device), spec, reference, source,
                 f"NCCL_IB_HCA={spec} does not select {rail_name} device {device}")


def nccl_ib_tc(settings: dict[str, str], tos: Expected) -> Verdict:
    """NCCL_IB_TC is the fabric's RoCE traffic class (layers.md §1.1: the ToS that maps to the PFC priority)."""
    value = settings.get("NCCL_IB_TC")
    return equal("NCCL_IB_TC", int(value) if value and value.isdigit() else value, tos)


def _assignments(found: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in found.items())


def nccl_tuning_unset(node: str, settings: dict[str, str], forbidden: Expected) -> Verdict:
    """layers.md L13 "forbidden in prod" [S16][S35]: NCCL_ALGO/PROTO/MIN_NCHANNELS left behind by a benchmark
    pin every job to one algorithm instead of NCCL's own tuning."""
    found = {k: settings[k] for k in forbidden.value if k in settings}
    return holds(f"NCCL tuning overrides on {node}", not found, found or "unset", "unset", forbidden.source,
                 f"{_assignments(found)} persisted on {node}; production jobs must let NCCL tune ({forbidden.source})")


def nccl_debug_unset(node: str, settings: dict[str, str], debug: Expected) -> Verdict:
    """layers.md L13 [S16]: NCCL_DEBUG and friends slow every job and fill its log."""
    found = {k: settings[k] for k in debug.value if k in settings}
    return holds(f"NCCL debug settings on {node}", not found, found or "unset", "unset", debug.source,
                 f"debug settings persisted on {node}: {found} ({debug.source})")


def nccl_gid_index(version, settings: dict[str, str], auto: Expected, legacy: Expected) -> Verdict:
    """layers.md L13 NCCL env [S15][S35]: from NCCL ``auto`` (2.21) NCCL_IB_GID_INDEX defaults to -1 and NCCL
    picks the RoCE v2 GID itself, so the index may stay unset (or be the legacy RoCE v2 index); older NCCL uses
    GID 0 (RoCE v1 / link-local) unless told, so the legacy index must be set."""
    value = settings.get("NCCL_IB_GID_INDEX")
    if version.as_tuple >= tuple(int(p) for p in str(auto.value).split(".")):
        return holds("NCCL_IB_GID_INDEX", value in (None, "-1", str(legacy.value)), value or "unset",
                     f"unset, -1 or {legacy.value}", auto.source,
                     f"NCCL {version.version} picks the RoCE v2 GID itself; NCCL_IB_GID_INDEX={value} pins another "
                     f"({auto.source})")
    return holds("NCCL_IB_GID_INDEX", value == str(legacy.value), value or "unset", str(legacy.value), legacy.source,
                 f"NCCL {version.version} (< {auto.value}) uses GID index 0 unless told: "
                 f"NCCL_IB_GID_INDEX={value or 'unset'}, expected {legacy.value} ({legacy.source})")


def rail_bandwidth_not_outlier(run_id: str, value: float, fleet: list[float], sigmas: Expected) -> Verdict | None:
    """layers.md L13 "Pairwise RDMA" and §4: a rail far below the rest of the fleet's rails fails even when it
    clears its baseline (median - ``sigmas`` robust sigma, bringup.checks.traffic.low_outlier_limit). None when
    the fleet has too few rail measurements (< 4) to call one an outlier."""
    rule = traffic.low_outlier_limit(fleet, sigmas.value)
    if rule is None:
        return None
    return holds(f"{run_id} write bandwidth", value >= rule.limit, value,
                 f">= {rule.limit:.1f} (median {rule.median:.1f} - {sigmas.value} sigma)", sigmas.source,
                 f"{run_id}: {value} Gb/s is more than {sigmas.value} sigma below the fleet median {rule.median:.1f} "
                 f"Gb/s (sigma {rule.sigma:.1f}, {len(fleet)} rails; {sigmas.source})", "Gb/s")


def nccl_uses_every_rail(node: str, log, rdma_devices: list[str]) -> Verdict:
    """layers.md L13 "NCCL init log": every rail appears as a RoCE device (``NET/IB : Using [0]mlx5_0:1/RoCE``),
    nothing goes over ``NET/Socket``, and init completes. A rail missing here is one NCCL never uses, whatever
    the host layers say."""
    wanted = sorted(rdma_devices)
    roce = sorted(d.name for d in log.ib_devices if d.kind == "RoCE")
    measured, reference = " ".join(roce) or "none", " ".join(wanted)
    what = f"NCCL network devices on {node}"
    socket = [c.via for c in log.net_channels() if c.via.startswith("NET/Socket")]
    if "Socket" in log.networks or socket:
        return holds(what, False, measured, reference, "layers.md L13",
                     f"NCCL on {node} fell back to TCP sockets (networks: {', '.join(log.networks) or 'none'}; "
                     f"socket devices: {', '.join(d.name for d in log.socket_devices) or 'none'}): no RDMA for "
                     f"the job")
    missing = sorted(set(wanted) - set(roce))
    if missing:
        return holds(what, False, measured, reference, "layers.md L13",
                     f"NCCL on {node} lists {', '.join(roce) or 'no RoCE device'}; the inventory's rails "
                     f"{', '.join(missing)} are missing (NCCL_IB_HCA, a port down, or not RoCE)")
    return holds(what, log.init_complete, measured, reference, "layers.md L13",
                 f"NCCL on {node} never reached 'Init COMPLETE' in the job log")
