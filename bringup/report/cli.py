"""``bringup report``: rebuild a run's reports, or merge JUnit across runs and shards.

    bringup report RUN                       junit.xml, summary.html and metrics.prom rebuilt from the records
                                             (e.g. after a SIGKILL), and the layer x node table printed
    bringup report --merge RUN... [-o FILE]  one JUnit file from several runs, shards or JUnit files
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

MERGED_DEFAULT = "junit-merged.xml"


def _cmd_report(args: argparse.Namespace) -> int:
    if args.merge:
        return _merge(args)
    if len(args.runs) != 1:
        print(f"bringup report: one run directory expected, got {len(args.runs)} (to combine runs: --merge)",
              file=sys.stderr)
        return 2
    return _rebuild(Path(args.runs[0]))


def _rebuild(run: Path) -> int:
    """Rebuild junit.xml, summary.html and metrics.prom and print the layer x node table of a run directory."""
    from bringup.report import artifacts, junit, summary
    from bringup.report.safe_text import safe_text
    from bringup.rundir import RUNNING, read_results

    if not (run / "meta.json").exists():
        print(f"bringup report: {run} is not a run directory (no meta.json)", file=sys.stderr)
        return 2
    try:
        meta = json.loads((run / "meta.json").read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError) as exc:
        print(f"bringup report: {run / 'meta.json'} unreadable ({exc}); rebuilding from results.jsonl", file=sys.stderr)
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    records = list(read_results(run))
    for line in summary.layer_node_table(records):
        print(line)
    # "running" in meta.json (or no end time, from before status existed): the controller never reached the end.
    status = meta.get("status")
    if status == RUNNING or (meta and status is None and not meta.get("ended")):
        print(f"this run never finished (killed, or still running): {len(records)} finished checks recorded")
    elif status:
        print(safe_text(f"run {status}, exit status {meta.get('exit_status')}"))
    try:
        junit.write(records, run.name, run / "junit.xml")
    except OSError as exc:  # disk still full, or a read-only copy of the run: the table above still stands
        print(f"bringup report: cannot write {run / 'junit.xml'}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"junit: {run / 'junit.xml'} ({len(records)} checks)")
    try:
        written = artifacts.write_all(run)
    except OSError as exc:
        print(f"bringup report: cannot write summary.html/metrics.prom in {run}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    for path in written:
        print(f"{'summary' if path.suffix == '.html' else 'metrics'}: {path}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from bringup.report import merge

    out = Path(args.output or MERGED_DEFAULT)
    try:
        merged = merge.merge([Path(r) for r in args.runs])
    except merge.MergeError as exc:
        print(f"bringup report --merge: {exc}", file=sys.stderr)
        return 2
    try:
        merge.write(merged, out)
    except OSError as exc:
        print(f"bringup report --merge: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    replaced = (f"; {merged.replaced} found in more than one input kept the later input's result"
                if merged.replaced else "")
    print(f"merged {merged.inputs} inputs: {merged.testcases} testcases in {len(list(merged.xml))} testsuites"
          f"{replaced} -> {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="rebuild junit.xml, summary.html and metrics.prom of a run; or --merge JUnit",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", metavar="RUN", help="run directory (with --merge: run directories or JUnit files)")
    p.add_argument("--merge", action="store_true", help="merge the JUnit of several runs or shards into one file")
    p.add_argument("-o", "--output", metavar="FILE", help=f"merged file (default {MERGED_DEFAULT})")
    p.set_defaults(func=_cmd_report)
