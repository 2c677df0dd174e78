"""The reports written beside a run's records: ``summary.html`` and ``metrics.prom``, from one read of the run.

Called at the end of every suite run (:mod:`bringup.report.html_plugin`) and by ``bringup report RUN``.
"""

from __future__ import annotations

from pathlib import Path

from bringup.report import html, overview, prom
from bringup.report.runview import load


def write_all(run: Path) -> list[Path]:
    view = load(Path(run))
    checks = overview.build(view.records)   # counted once for both
    return [html.write(view.path, view, checks=checks), prom.write(view.path, view, checks)]
