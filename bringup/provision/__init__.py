"""``bringup provision``: apply the inventory's design playbook through ansible-runner.

A thin adapter (docs/style.md item 15): the inventory, extra variables, limit and tags go to
``ansible_runner.run`` as arguments, never through a shell command line. Before any host is touched the
inventory is loaded and validated with :func:`bringup.inventory.load_inventory`, so a PFC priority of 9 or an
MTU of 100 stops the run with the variable and the file named. The run leaves
``reports/<run-id>/provision/`` behind: ``events.jsonl`` (every runner event), ``recap.json`` (per host:
ok/changed/failed/unreachable/skipped and the failed tasks) and runner's own artifacts (full stdout).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bringup.inventory import InventoryError, ansible_source, load_inventory
from bringup.provision.progress import Progress, format_recap, recap
from bringup.rundir import REPORTS_ROOT, RunDir, git_commit, new_run_id, snapshot_inventory

PLAYBOOKS = Path(__file__).resolve().parent.parent.parent / "playbooks"


@dataclass
class Outcome:
    rc: int
    status: str
    run_dir: Path
    recap: dict[str, dict[str, Any]]

    @property
    def failed_hosts(self) -> list[str]:
        return [h for h, row in self.recap.items() if row["failed"] or row["unreachable"]]


def playbook_for(design_slug: str) -> Path:
    path = PLAYBOOKS / f"{design_slug}.yml"
    if not path.is_file():
        raise InventoryError(f"no playbook for design {design_slug!r} ({path} missing)")
    return path


def _run_dir(root: Path, cluster_name: str, meta: dict[str, Any]) -> RunDir:
    """reports/<run-id>/ as bringup.rundir lays it out, without moving reports/latest (that names the
    newest *suite* run, which --replay reads)."""
    run_id = new_run_id(cluster_name)
    path = root / run_id
    (path / "provision").mkdir(parents=True)
    run = RunDir(path, {"run_id": run_id, "kind": "provision", "git_commit": git_commit(), "argv": sys.argv,
                        "started": time.time(), "ended": None, **meta})
    run.write_meta()
    return run


def provision(inventory: str, *, check: bool = False, diff: bool = False, limit: str | None = None,
              tags: str | None = None, skip_tags: str | None = None, extravars: dict[str, Any] | None = None,
              reports_root: Path = REPORTS_ROOT, out: TextIO | None = None, forks: int = 16) -> Outcome:
    """Validate the inventory, run the design's playbook, write the run directory. Raises InventoryError
    (nothing touched) on a bad inventory."""
    import ansible_runner

    out = out or sys.stdout
    cluster = load_inventory(inventory)
    playbook = playbook_for(cluster.design.slug)
    source = ansible_source(cluster.path)
    run = _run_dir(Path(reports_root), cluster.name, {
        "inventory": str(cluster.path), "inventory_digest": cluster.digest, "design": cluster.design.slug,
        "playbook": str(playbook), "check": check, "diff": diff, "limit": limit, "tags": tags,
        "skip_tags": skip_tags, "nodes": [n.name for n in cluster.nodes],
    })
    snapshot_inventory(cluster.path, run.path / "inventory")
    print(f"bringup provision: {cluster.design.id} {cluster.design.slug} on {len(cluster.nodes)} node(s) "
          f"from {source}{' (check mode)' if check else ''}; run directory {run.path}", file=out, flush=True)

    progress = Progress(run.path / "provision" / "events.jsonl", out, show_diff=diff,
                        explain=_lab_hint if any(n.profile == "lab" for n in cluster.nodes) else None)
    envvars = {
        # Our own progress lines replace ansible's stdout on the terminal; runner keeps the full stdout.
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        # One ssh round trip per task instead of three (put module, chmod, run): ansible docs, "pipelining".
        "ANSIBLE_PIPELINING": "True",
        "ANSIBLE_NOCOLOR": "True",
        "ANSIBLE_DIFF_ALWAYS": "True" if diff else "False",
    }
    try:
        runner = ansible_runner.run(
            private_data_dir=str(run.path / "provision"),
            project_dir=str(PLAYBOOKS),
            playbook=str(playbook),
            inventory=str(source),
            extravars=extravars or {},
            limit=limit,
            tags=tags,
            skip_tags=skip_tags,
            forks=forks,
            envvars=envvars,
            # --check is a bare flag with no value, and ansible-runner's API has no keyword for it; it is the
            # only thing passed this way (a constant, never user input).
            cmdline="--check" if check else None,
            event_handler=progress.handler(),
            quiet=True,
        )
    finally:
        progress.close()
    table = recap(runner.stats, progress.failures)
    (run.path / "provision" / "recap.json").write_text(json.dumps(table, indent=1))
    run.finish(status=runner.status, rc=runner.rc)
    for line in format_recap(table):
        print(line, file=out)
    return Outcome(rc=runner.rc, status=runner.status, run_dir=run.path, recap=table)


def _lab_hint(result: dict[str, Any]) -> str | None:
    """A lab node has no network: a package task that tried to download says what to install on the host."""
    from bringup.lab.packages import no_network_hint

    return no_network_hint(result)


def _command(args: argparse.Namespace) -> int:
    try:
        outcome = provision(args.inventory, check=args.check, diff=args.diff, limit=args.limit, tags=args.tags,
                            skip_tags=args.skip_tags, reports_root=Path(args.reports_dir))
    except InventoryError as exc:
        print(f"bringup provision: invalid inventory, no host touched:\n{exc}", file=sys.stderr)
        return 2
    failed = outcome.failed_hosts
    if outcome.rc == 0 and not failed:
        print(f"bringup provision: {outcome.status}; recap {outcome.run_dir / 'provision' / 'recap.json'}")
        return 0
    print(f"bringup provision: {outcome.status} (rc {outcome.rc}); failed hosts: {', '.join(failed) or 'none'}",
          file=sys.stderr)
    for host in failed:
        row = outcome.recap[host]
        if row["unreachable"]:
            print(f"  {host}: unreachable", file=sys.stderr)
        for task in row["failed_tasks"]:
            print(f"  {host}: {task['task']}: {task['message']}", file=sys.stderr)
    return outcome.rc or 1


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("provision", help="apply the inventory's design playbook (ansible-runner)")
    p.add_argument("--inventory", required=True, help="inventory name under inventories/ or a path")
    p.add_argument("--check", action="store_true", help="dry run: report what would change, change nothing")
    p.add_argument("--diff", action="store_true", help="show file and state differences")
    p.add_argument("--limit", help="ansible host pattern, e.g. 'node0[1-2]' or a group")
    p.add_argument("--tags", help="only these roles/layers, e.g. os_baseline,l09")
    p.add_argument("--skip-tags", help="leave these roles/layers out, e.g. benchmarks")
    p.add_argument("--reports-dir", default=str(REPORTS_ROOT), help="where run directories go (default reports/)")
    p.set_defaults(func=_command)


__all__ = ["Outcome", "PLAYBOOKS", "playbook_for", "provision", "register"]
