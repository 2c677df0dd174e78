"""Where a node's recordings live, kept inside the run directory whatever the node is called.

Host names are validated when the inventory loads; this is the second wall, and it also holds for a crafted
run directory (a ``probes/<node>`` that is a symlink out of it): every path built from a node name or a probe
key is resolved (symlinks followed) and must stay under the folder it was built from.
"""

from __future__ import annotations

from pathlib import Path


class PathEscape(ValueError):
    """A node name, probe key or symlink would make a recording read or write outside its folder."""


def contained(base: Path, *parts: str, node: str) -> Path:
    """``base/parts...``, after checking that it resolves inside ``base`` (an error names node and path)."""
    path = base.joinpath(*parts)
    root = base.resolve()
    target = path.resolve()
    if not target.is_relative_to(root) or target == root:
        raise PathEscape(f"node {node!r}: {path} resolves to {target}, not inside {root}; refusing to read or write it")
    return path


def probe_folder(run_dir: Path, node: str) -> Path:
    """``<run>/probes/<node>``, inside ``<run>/probes``."""
    return contained(Path(run_dir) / "probes", node, node=node)
