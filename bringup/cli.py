"""The ``bringup`` command: parse, report, run, and the subcommands other modules register (lab, provision).

Each subcommand module exposes ``register(subparsers)`` which adds its parser and sets ``func``; the
function returns the exit status. Adding a command means adding its module to ``SUBCOMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

SUBCOMMAND_MODULES = (
    "bringup.lab.cli",
    "bringup.provision",
    "bringup.bench.cli",
    "bringup.localize.cli",
    "bringup.triage.cli",
    "bringup.history.cli",
)


def _cmd_parse(args: argparse.Namespace) -> int:
    from bringup.parsers import ParseError, registry, to_jsonable

    if args.tool == "auto":  # `bringup parse auto FILE`: detect the tool (bringup triage)
        from bringup.triage.cli import run

        return run([args.file])
    parsers = registry()
    if args.tool not in parsers:
        print(f"bringup parse: unknown tool {args.tool!r}; known: {', '.join(sorted(parsers))}", file=sys.stderr)
        return 2
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(errors="replace")
    except OSError as exc:
        print(f"bringup parse: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        result = parsers[args.tool](text)
    except ParseError as exc:
        print(f"bringup parse {args.tool} {args.file}: {exc}", file=sys.stderr)
        return 1
    json.dump(to_jsonable(result), sys.stdout, indent=2, default=str)
    print()
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    """Rebuild junit.xml and print the layer x node table of a run directory (e.g. after a SIGKILL)."""
    from bringup.report import junit, summary
    from bringup.report.safe_text import safe_text
    from bringup.rundir import RUNNING, read_results

    run = Path(args.run_dir)
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
    return 0


def _cmd_run(args: argparse.Namespace, extra: list[str]) -> int:
    """``bringup run --inventory X [pytest args]``: the suites, as ``pytest suites/`` would run them."""
    import pytest

    root = Path(__file__).resolve().parent.parent
    return int(pytest.main([str(root / "suites"), "--rootdir", str(root), *extra]))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bringup", description="GPU cluster bring-up on RoCE: validate, provision, lab")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="run a parser on a captured output file and print JSON")
    p.add_argument("tool", help="parser name (bringup parse --list)")
    p.add_argument("file", help="captured output, or - for stdin")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("parsers", help="list the parsers")
    p.set_defaults(func=lambda a: print("\n".join(sorted(__import__("bringup.parsers").parsers.registry()))) or 0)

    p = sub.add_parser("report", help="rebuild junit.xml and the summary table of a run directory")
    p.add_argument("run_dir")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("run", help="run the acceptance suites (extra arguments go to pytest)")
    p.set_defaults(func=None)

    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["run"]:
        return _cmd_run(argparse.Namespace(), argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("bringup: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
