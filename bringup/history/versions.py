"""What a run ran on: per node the GPU driver, NIC firmware, NCCL, MPI, kernel and OFED/DOCA, plus the
inventory digest, read from the run's own probe recordings (``probes/<node>/lNN.json``) with the project's
parsers, so it is a pure function of the run directory and works on runs recorded before this existed.

``RUN/versions.json``::

    {"inventory_digest": "abd46f5e544cd399",
     "nodes": {"node01": {"driver": "535.161.08", "firmware": "28.42.1000", "nccl": "2.21.5",
                          "mpi": "4.1.5", "kernel": "5.15.0-105-generic", "ofed": "24.10-1.1.4"}}}

A probe that did not run (a layer not selected) or whose output does not parse leaves its field out; NIC
firmware of several ports that differ is listed as ``a/b`` (sorted). :func:`diff` says what changed between
two such documents in one line::

    NCCL 2.21.5 -> 2.23.4 on all nodes; node03 firmware 28.39.1002 -> 28.41.1000
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from bringup.parsers import ParseError, ethtool_driver, nccl_version, nvidia_smi_xml, nvidia_version, ofed_info
from bringup.parsers import ompi_info

FIELDS = ("driver", "firmware", "nccl", "mpi", "kernel", "ofed")
LABELS = {"driver": "driver", "firmware": "firmware", "nccl": "NCCL", "mpi": "MPI", "kernel": "kernel",
          "ofed": "OFED/DOCA"}
FILENAME = "versions.json"


def _first(parse: Callable[[str], Any], texts: list[str]) -> str | None:
    for text in texts:
        try:
            value = parse(text)
        except (ParseError, ValueError, AttributeError):
            continue
        if value:
            return value
    return None


def _outputs(node_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """probe key -> [(command, stdout)] of the successful commands, over every layer's recording."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(node_dir.glob("l*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            by_command = {r["command"]: r for r in record.get("results", []) if isinstance(r, dict)}
            keys = record.get("keys", {})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        for key, command in keys.items():
            result = by_command.get(command)
            if result is not None and result.get("rc") == 0 and isinstance(result.get("stdout"), str):
                found.setdefault(key, []).append((command, result["stdout"]))
    return found


def node_versions(node_dir: Path) -> dict[str, str]:
    out = _outputs(node_dir)

    def texts(*keys: str, prefix: str = "") -> list[str]:
        return [stdout for k in keys for command, stdout in out.get(k, []) if command.startswith(prefix)]

    ports = sorted(k for k in out if k.startswith("ethtool-i-"))
    firmware = sorted({fw for k in ports if (fw := _first(lambda t: ethtool_driver.parse(t).firmware, texts(k)))})
    found = {
        "driver": _first(lambda t: nvidia_version.parse(t).version, texts("nvidia-version"))
        or _first(lambda t: nvidia_smi_xml.parse(t).driver_version, texts("nvidia-smi-xml")),
        "firmware": "/".join(firmware) or None,
        "nccl": _first(lambda t: nccl_version.parse(t).version, texts("nccl-version")),
        "mpi": _first(lambda t: ompi_info.parse(t).version, texts("ompi-version", "ompi-info")),
        "kernel": _first(lambda t: t.strip().splitlines()[0].strip(), texts("kernel", "gdr-kernel")),
        "ofed": _first(lambda t: ofed_info.parse(t).version, texts("rdma-stack", prefix="ofed_info")),
    }
    return {k: v for k, v in found.items() if v}


def collect(run_dir: Path) -> dict[str, Any]:
    """versions.json's content for a run directory (pure: reads meta.json and probes/ only)."""
    run_dir = Path(run_dir)
    try:
        digest = json.loads((run_dir / "meta.json").read_text()).get("inventory_digest")
    except (OSError, ValueError, AttributeError):
        digest = None
    probes = run_dir / "probes"
    nodes = {}
    if probes.is_dir():
        for node_dir in sorted(p for p in probes.iterdir() if p.is_dir()):
            found = node_versions(node_dir)
            if found:
                nodes[node_dir.name] = found
    return {"inventory_digest": digest, "nodes": nodes}


def write(run_dir: Path) -> Path:
    """RUN/versions.json, atomically."""
    target = Path(run_dir) / FILENAME
    fd, tmp = tempfile.mkstemp(dir=run_dir, prefix=".versions-")
    with os.fdopen(fd, "w") as fh:
        json.dump(collect(run_dir), fh, indent=1, sort_keys=True)
    os.replace(tmp, target)
    return target


def read(run_dir: Path) -> dict[str, Any]:
    """A run's versions.json, or (an old run, a killed one) the same computed from its probes now."""
    try:
        data = json.loads((Path(run_dir) / FILENAME).read_text())
        if isinstance(data, dict) and isinstance(data.get("nodes"), dict):
            return data
    except (OSError, ValueError):
        pass
    return collect(run_dir)


def diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    """One line: what differs from ``old`` to ``new`` ("" when nothing recorded changed).

    A change every node shared (the nodes present in both runs) is said once, "on all nodes", and comes first;
    then the nodes that made the same change, named together; then nodes that appeared or went, then the digest.
    """
    old_nodes, new_nodes = old.get("nodes") or {}, new.get("nodes") or {}
    common = sorted(set(old_nodes) & set(new_nodes))
    fleet: list[str] = []
    nodes_only: list[str] = []
    for field in FIELDS:
        changes: dict[tuple[str, str], list[str]] = {}
        for node in common:
            before, after = old_nodes[node].get(field), new_nodes[node].get(field)
            if before != after and not (before is None or after is None):
                changes.setdefault((before, after), []).append(node)
        label = LABELS[field]
        for (before, after), nodes in changes.items():
            if len(nodes) == len(common) and len(common) > 1:
                fleet.append(f"{label} {before} -> {after} on all nodes")
            else:
                nodes_only.append(f"{', '.join(nodes)} {label} {before} -> {after}")
    parts = fleet + nodes_only  # what every node got first, then the odd nodes
    added, gone = sorted(set(new_nodes) - set(old_nodes)), sorted(set(old_nodes) - set(new_nodes))
    if added:
        parts.append(f"{', '.join(added)} new")
    if gone:
        parts.append(f"{', '.join(gone)} not probed")
    if old.get("inventory_digest") and new.get("inventory_digest") and \
            old["inventory_digest"] != new["inventory_digest"]:
        parts.append(f"inventory digest {old['inventory_digest']} -> {new['inventory_digest']}")
    return "; ".join(parts)
