"""Which tool printed a capture, and what its rule says about it.

Rules are found, not listed: every module of :mod:`bringup.triage.rules` with ``TOOL``, ``detect`` and
``findings`` (the contract in :mod:`bringup.triage.model`) whose ``TOOL`` has a parser in
``bringup.parsers.registry()``. A capture two detectors claim is parsed by both; if exactly one parser accepts
it, that tool wins, otherwise the capture is reported as ambiguous (both tools named) rather than guessed.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

from bringup.parsers import ParseError, registry
from bringup.parsers.common import lines
from bringup.triage.model import Context, Finding


@dataclass(frozen=True)
class Rule:
    tool: str
    module: ModuleType
    parse: Callable[[str], Any]

    def detect(self, text: str) -> bool:
        return bool(self.module.detect(text))

    def findings(self, parsed: Any, ctx: Context) -> list[Finding]:
        return list(self.module.findings(parsed, ctx))


@dataclass
class Rules:
    rules: list[Rule]
    problems: list[str] = field(default_factory=list)  # rule modules that could not be used, one line each

    @property
    def tools(self) -> list[str]:
        return sorted(r.tool for r in self.rules)


def discover(package: str = "bringup.triage.rules") -> Rules:
    """Import every module of ``package``; a module that fails to import or lacks the contract is named in
    ``problems`` (a broken rule must not stop the others)."""
    parsers = registry()
    pkg = importlib.import_module(package)
    rules, problems = [], []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        name = f"{package}.{info.name}"
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - any error in one rule module is reported, not raised
            problems.append(f"rule {name} cannot be imported: {type(exc).__name__}: {exc}")
            continue
        missing = [attr for attr in ("TOOL", "detect", "findings") if not hasattr(module, attr)]
        if missing:
            problems.append(f"rule {name} lacks {', '.join(missing)}")
            continue
        if module.TOOL not in parsers:
            problems.append(f"rule {name}: no parser registered for tool {module.TOOL!r} (bringup.parsers.registry)")
            continue
        rules.append(Rule(module.TOOL, module, parsers[module.TOOL]))
    return Rules(rules, problems)


@dataclass
class Verdict:
    """One capture's triage: the tool and its findings, or why there are none (``error``)."""

    source: str
    tool: str | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return any(f.severity == "fail" for f in self.findings)


def triage_text(text: str, ctx: Context, rules: Rules) -> Verdict:
    source = ctx.source
    # Detectors see the text as captured and as the parsers normalise it (CRLF, `srun -l` / `mpirun --tag-output`
    # prefixes); either claims it (`ip link`'s "4: eth0:" looks like an `srun -l` prefix, so not the second alone).
    normalised = "\n".join(lines(text))
    claimed = [r for r in rules.rules if _detects(r, text) or _detects(r, normalised)]
    if not claimed:
        return Verdict(source, error=f"{source}: no known tool recognises this output "
                                     f"(known: {', '.join(rules.tools)})")
    parsed: list[tuple[Rule, Any]] = []
    errors: list[str] = []
    for rule in claimed:
        try:
            parsed.append((rule, rule.parse(text)))
        except (ParseError, ValueError) as exc:
            errors.append(f"{rule.tool}: {exc}")
    if not parsed:
        return Verdict(source, claimed[0].tool if len(claimed) == 1 else None,
                       error=f"{source}: looks like {' or '.join(r.tool for r in claimed)} output but does not parse: "
                             + "; ".join(errors))
    if len(parsed) > 1:
        return Verdict(source, error=f"{source}: ambiguous: {', '.join(r.tool for r, _ in parsed)} all recognise "
                                     "and parse it; use `bringup parse TOOL FILE`")
    rule, value = parsed[0]
    return Verdict(source, rule.tool, rule.findings(value, ctx))


def _detects(rule: Rule, text: str) -> bool:
    try:
        return rule.detect(text)
    except Exception:  # noqa: BLE001 - a detector that crashes on odd input does not claim it
        return False
