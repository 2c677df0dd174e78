"""The ``bringup`` command: parse, run, and the subcommands other modules register (lab, provision, report...).

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
    "bringup.report.cli",
    "bringup.triage.cli",
    "bringup.localize.cli",
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
