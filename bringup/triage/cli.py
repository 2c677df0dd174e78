"""``bringup triage FILE... [--inventory NAME|PATH [--node N]] [--json]`` (also ``bringup parse auto FILE``).

Exit status: 0 when no finding fails, 1 when one does, 2 when a file cannot be read, no known tool recognises
it, it does not parse, or the inventory cannot supply expectations (each said in one line on stderr).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from bringup.triage import context, engine


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8", errors="replace")


def run(files: list[str], inventory: str | None = None, node: str | None = None, as_json: bool = False,
        out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    rules = engine.discover()
    for problem in rules.problems:
        print(f"bringup triage: warning: {problem}", file=err)
    try:  # the inventory is loaded once, whatever the number of files
        base = context.build("-", inventory, node)
    except context.ContextError as exc:
        print(f"bringup triage: {exc}", file=err)
        return 2
    verdicts: list[engine.Verdict] = []
    for path in files:
        ctx = dataclasses.replace(base, source=path)
        try:
            text = _read(path)
        except OSError as exc:
            verdicts.append(engine.Verdict(path, error=f"{path}: cannot read: {exc.strerror or exc}"))
            continue
        verdicts.append(engine.triage_text(text, ctx, rules))
    if as_json:
        json.dump([{"file": v.source, "tool": v.tool, "error": v.error,
                    "findings": [{"severity": f.severity, "subject": f.subject, "message": f.message}
                                 for f in v.findings]} for v in verdicts], out, indent=2)
        print(file=out)
    for v in verdicts:
        if v.error:
            print(f"bringup triage: {v.error}", file=err)
        elif not as_json:
            print(f"{v.source}: {v.tool}", file=out)
            for f in v.findings:
                print(f"  {f.severity.upper():4} {v.tool}: {f.subject} {f.message}", file=out)
    if any(v.error for v in verdicts):
        return 2
    return 1 if any(v.failed for v in verdicts) else 0


def _cmd(args: argparse.Namespace) -> int:
    return run(args.files, args.inventory, args.node, args.json)


def register(subparsers) -> None:
    p = subparsers.add_parser("triage", help="detect the tool of pasted captures, parse them, print what the "
                                             "suites' checks would report")
    p.add_argument("files", nargs="+", metavar="FILE", help="captured output (- for stdin)")
    p.add_argument("--inventory", metavar="NAME|PATH", help="take expectations from this inventory "
                                                            "(default: bringup/policy.yml alone)")
    p.add_argument("--node", help="the inventory node whose expectations apply (default: the first)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_cmd)
