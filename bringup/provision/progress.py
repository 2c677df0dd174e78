"""Per-host progress and the recap of a provisioning run, built from ansible-runner events.

ansible-runner hands every callback event to ``event_handler`` as a dict, e.g.::

    {"event": "runner_on_ok", "counter": 42, "event_data": {"host": "node01", "task": "Add the rail address",
     "role": "rail_network", "res": {"changed": true, ...}}, ...}

``Progress`` prints one line per finished task and host, appends every event to ``events.jsonl`` (flushed,
so a killed run keeps what happened), and collects the failed and unreachable tasks that the recap names.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TextIO

# Events that end one task on one host, and how a line reports them.
_OUTCOMES = {
    "runner_on_ok": "ok",
    "runner_on_failed": "FAILED",
    "runner_on_unreachable": "UNREACHABLE",
    "runner_on_skipped": "skipped",
    "runner_item_on_failed": "FAILED item",
}


@dataclass(frozen=True)
class Failure:
    host: str
    task: str
    message: str
    unreachable: bool = False


def diff_lines(result: dict[str, Any]) -> list[str]:
    """A module's --diff result (``{"before": ..., "after": ..., "before_header": ...}``, one or a list) as
    unified-diff lines; modules that prepare their own text send ``{"prepared": "..."}``."""
    diffs = result.get("diff") or []
    lines: list[str] = []
    for diff in diffs if isinstance(diffs, list) else [diffs]:
        if diff.get("prepared"):
            lines += str(diff["prepared"]).splitlines()
            continue
        before, after = diff.get("before", ""), diff.get("after", "")
        if not isinstance(before, str) or not isinstance(after, str):  # state dicts: show them as JSON
            before, after = json.dumps(before, indent=1, sort_keys=True), json.dumps(after, indent=1, sort_keys=True)
        lines += difflib.unified_diff(before.splitlines(), after.splitlines(), str(diff.get("before_header", "before")),
                                      str(diff.get("after_header", "after")), lineterm="")
    return lines


def _message(result: dict[str, Any]) -> str:
    # A failed command's msg is only "non-zero return code": its stderr says why.
    keys = ("stderr", "msg", "reason") if result.get("stderr") else ("msg", "reason")
    for key in keys:
        value = result.get(key)
        if value:
            text = str(value).strip().splitlines()
            return text[-1] if key == "stderr" and text else " ".join(text)[:300]
    return "no message"


@dataclass
class Progress:
    events_path: Path
    out: TextIO
    verbose_skips: bool = False
    show_diff: bool = False
    explain: Callable[[dict[str, Any]], str | None] | None = None  # a failed result -> what to do (the lab's)
    failures: list[Failure] = field(default_factory=list)
    _fh: Any = None

    def __post_init__(self) -> None:
        self.events_path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.events_path, "a", encoding="utf-8")

    def close(self) -> None:
        if self._fh:
            self._fh.close()
            self._fh = None

    def handler(self) -> Callable[[dict[str, Any]], bool]:
        return self.on_event

    def on_event(self, event: dict[str, Any]) -> bool:
        """ansible-runner's event_handler: True keeps runner's own copy of the event in its artifacts."""
        if self._fh:
            self._fh.write(json.dumps(event, default=str) + "\n")
            self._fh.flush()
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        if kind == "playbook_on_play_start":
            print(f"== play: {data.get('play', '')}", file=self.out, flush=True)
        outcome = _OUTCOMES.get(kind)
        if outcome is None:
            return True
        host = data.get("host", "?")
        task = data.get("task", "?")
        role = data.get("role")
        label = f"{role} : {task}" if role else task
        result = data.get("res") or {}
        if outcome == "ok" and result.get("changed"):
            outcome = "changed"
        if outcome == "skipped" and not self.verbose_skips:
            return True
        hint = self.explain(result) if self.explain and outcome in ("FAILED", "FAILED item") else None
        message = f"{hint}; {_message(result)}" if hint else _message(result)
        if kind in ("runner_on_failed", "runner_on_unreachable") and not data.get("ignore_errors"):
            self.failures.append(Failure(host, label, message, kind == "runner_on_unreachable"))
        suffix = f": {message}" if outcome in ("FAILED", "UNREACHABLE") else ""
        print(f"[{host}] {outcome:<11} {label}{suffix}", file=self.out, flush=True)
        if self.show_diff and outcome == "changed":
            for line in diff_lines(result):
                print(f"    {line}", file=self.out)
        return True


def recap(stats: dict[str, dict[str, int]] | None, failures: list[Failure]) -> dict[str, dict[str, Any]]:
    """Per-host counts from runner.stats, plus each host's failed tasks.

    ``stats`` is ansible's summary keyed by counter: ``{"ok": {"node01": 30}, "changed": {...}, "failures":
    {...}, "dark": {...} (unreachable), "skipped": {...}, "rescued": {...}, "ignored": {...}}``."""
    stats = stats or {}
    hosts = sorted({h for counts in stats.values() if isinstance(counts, dict) for h in counts}
                   | {f.host for f in failures})
    table: dict[str, dict[str, Any]] = {}
    for host in hosts:
        row = {name: int((stats.get(key) or {}).get(host, 0)) for name, key in
               (("ok", "ok"), ("changed", "changed"), ("failed", "failures"), ("unreachable", "dark"),
                ("skipped", "skipped"), ("rescued", "rescued"), ("ignored", "ignored"))}
        row["failed_tasks"] = [{"task": f.task, "message": f.message} for f in failures if f.host == host]
        table[host] = row
    return table


def format_recap(table: dict[str, dict[str, Any]]) -> list[str]:
    width = max([len(h) for h in table] + [4])
    lines = [f"{'host':<{width}}  {'ok':>4} {'changed':>7} {'failed':>6} {'unreachable':>11} {'skipped':>7}"]
    for host, row in table.items():
        lines.append(f"{host:<{width}}  {row['ok']:>4} {row['changed']:>7} {row['failed']:>6} "
                     f"{row['unreachable']:>11} {row['skipped']:>7}")
    return lines
