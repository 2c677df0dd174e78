"""Build a run directory from captured tool outputs, so a recorded node can be replayed.

A capture folder holds, per node, one file per probe key: ``<root>/<node>/<key>.out`` (stdout), and
optionally ``<key>.err`` and ``<key>.rc``. Files under ``<root>/common/`` serve every node that has no file
of its own. ``assemble`` lays them out exactly as a live run records them (``probes/<node>/lNN.json``) and
copies the inventory, so ``pytest suites/ --replay`` evaluates them like any recorded run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bringup.inventory import load_inventory
from bringup.probe.paths import contained, probe_folder
from bringup.probes import kubeapi, plan_for, registered_layers


class MissingCapture(LookupError):
    pass


def _read(root: Path, node: str, key: str) -> tuple[str, str, int] | None:
    for folder in (contained(root, node, node=node), root / "common"):
        out = contained(folder, f"{key}.out", node=node)
        if out.exists():
            err = contained(folder, f"{key}.err", node=node)
            rc = contained(folder, f"{key}.rc", node=node)
            return (out.read_text(), err.read_text() if err.exists() else "",
                    int(rc.read_text().strip()) if rc.exists() else 0)
    return None


def assemble(inventory: Path, captures: Path, target: Path, layers: list[int] | None = None,
             strict: bool = True) -> Path:
    """Write ``target`` as a run directory; with ``strict``, a probe without a capture is an error."""
    cluster = load_inventory(str(inventory))
    missing = []
    subjects: list = list(cluster.nodes)
    kubectl = kubeapi.subject(cluster)
    if kubectl is not None:  # the cluster API's answers, recorded where kubectl ran (kubectl@<host>/)
        subjects.append(kubectl)
    for node in subjects:
        folder = probe_folder(target, node.name)
        folder.mkdir(parents=True, exist_ok=True)
        for layer in layers or registered_layers():
            if node is kubectl:
                if layer not in kubeapi.LAYERS:
                    continue
                plan = kubeapi.plan(kubectl, list(cluster.nodes))
            else:
                plan = plan_for(node, layer)
            results = []
            for probe in plan:
                found = _read(captures, node.name, probe.key)
                if found is None:
                    missing.append(f"{node.name}/{probe.key}")
                    continue
                stdout, stderr, rc = found
                results.append({"command": probe.command, "rc": rc, "stdout": stdout, "stderr": stderr})
            record = {"node": node.name, "layer": layer, "error": None,
                      "keys": {p.key: p.command for p in plan}, "results": results}
            contained(folder, f"l{layer:02d}.json", node=node.name).write_text(json.dumps(record, indent=1))
    if missing and strict:
        raise MissingCapture(f"no capture in {captures} for: {', '.join(missing)}")
    shutil.copytree(inventory, target / "inventory", dirs_exist_ok=True)
    (target / "meta.json").write_text(json.dumps({"run_id": target.name, "assembled_from": str(captures)}))
    return target
