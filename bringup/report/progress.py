"""Progress of long work inside one pytest item: a layer's probes across 512 nodes, a layer's benchmark rounds.

pytest prints nothing while an item runs, so a 20-minute benchmark round looks like a hang. :class:`Progress`
counts the nodes or runs done and estimates the rest from the mean time so far; where it shows depends on the
terminal:

- a TTY gets one status line under pytest's current line, redrawn at most every half second and erased at
  the end, with the cursor put back where pytest left it, so pytest's own output stays exactly as it was;
- anything else (a CI log) gets a plain line every 30 s, and nothing for work that ends sooner.

Nothing shows for work shorter than a second, nor on xdist workers (they have no terminal).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Callable

TTY_EVERY_S = 0.5
LOG_EVERY_S = 30.0
QUIET_FOR_S = 1.0


def duration_text(seconds: float) -> str:
    """4s, 2m10s, 1h02m: short enough for a status line."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def progress_line(label: str, done: int, total: int, unit: str, elapsed: float, detail: str = "") -> str:
    """``L13 benchmarks: 12/40 runs (30%), round 3/7, 1m05s, ETA 2m32s``; the ETA is the mean time per item
    so far times the items left (rounds run their items concurrently, so it is an upper bound there)."""
    share = f" ({100 * done // total}%)" if total else ""
    parts = [f"{label}: {done}/{total} {unit}{share}"]
    if detail:
        parts.append(detail)
    parts.append(duration_text(elapsed))
    if 0 < done < total:
        parts.append(f"ETA {duration_text(elapsed / done * (total - done))}")
    return ", ".join(parts)


class Progress:
    """Counts one long operation; ``sink(line, final)`` shows it (see :class:`TerminalSink`)."""

    def __init__(self, label: str, total: int, unit: str, sink: Callable[[str, bool], None] | None,
                 clock: Callable[[], float] = time.monotonic, tty: bool = True) -> None:
        self.label, self.total, self.unit, self.sink, self.clock = label, total, unit, sink, clock
        self.every_s = TTY_EVERY_S if tty else LOG_EVERY_S
        self.quiet_for_s = QUIET_FOR_S if tty else LOG_EVERY_S
        self.started = clock()
        self.done = 0
        self.detail = ""
        self._shown_at: float | None = None
        self._lock = threading.Lock()

    def line(self) -> str:
        return progress_line(self.label, self.done, self.total, self.unit, self.clock() - self.started, self.detail)

    def advance(self, count: int = 1, detail: str | None = None) -> None:
        with self._lock:
            self.done += count
            if detail is not None:
                self.detail = detail
            now = self.clock()
            if self.sink is None or now - self.started < self.quiet_for_s:
                return
            if self._shown_at is None or now - self._shown_at >= self.every_s:
                self._shown_at = now
                self.sink(self.line(), False)

    def close(self) -> None:
        with self._lock:
            if self.sink is not None and self._shown_at is not None:  # only what was shown is taken down
                self.sink(self.line(), True)
            self.sink = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class TerminalSink:
    """Shows progress lines on pytest's terminal from inside a running item (capture suspended meanwhile)."""

    def __init__(self, config: Any) -> None:
        self.reporter = config.pluginmanager.get_plugin("terminalreporter")
        self.capture = config.pluginmanager.get_plugin("capturemanager")
        self.tty = bool(self.reporter is not None and getattr(self.reporter, "isatty", False))
        self._open = False
        self._lock = threading.Lock()

    def __call__(self, line: str, final: bool) -> None:
        if self.reporter is None:
            return
        with self._lock, self._uncaptured():
            if self.tty:
                self._draw(line, final)
            elif not final:
                self.reporter.write_line(f"[bringup] {line}")

    def _uncaptured(self):
        if self.capture is None:
            import contextlib
            return contextlib.nullcontext()
        return self.capture.global_and_fixture_disabled()

    def _draw(self, line: str, final: bool) -> None:
        out = sys.__stdout__
        width = max(20, self.reporter._tw.fullwidth - 1)
        if not self._open:  # a line of our own under pytest's current one
            out.write("\n")
            self._open = True
        out.write("\r\x1b[K" + line[:width])
        if final:  # erase it, and go back to the end of pytest's line
            column = self.reporter._tw.width_of_current_line + 1
            out.write(f"\r\x1b[K\x1b[1A\x1b[{column}G")
            self._open = False
        out.flush()


def for_config(config: Any, label: str, total: int, unit: str) -> Progress:
    """A :class:`Progress` on the run's terminal; silent on xdist workers and without a terminal reporter."""
    if hasattr(config, "workerinput") or total <= 0:
        return Progress(label, total, unit, None)
    sink = TerminalSink(config)
    return Progress(label, total, unit, sink if sink.reporter is not None else None, tty=sink.tty)
