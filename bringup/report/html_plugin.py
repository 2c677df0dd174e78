"""pytest plugin: ``summary.html`` and ``metrics.prom`` at the end of every suite run.

``trylast`` so it runs after :func:`bringup.plugin.pytest_sessionfinish` has written junit.xml and the final
meta.json (status, exit status, counts), and after the benchmark tables were written during the run. Only the
controller writes (an xdist worker has no run directory of its own). A failure to write is one line in the
run's ``write_errors`` (printed with the run directory), never a traceback that hides the test results.
"""

from __future__ import annotations

from typing import Any

import pytest

from bringup.plugin import STATE
from bringup.report import artifacts
from bringup.report.safe_text import safe_text

_WRITTEN = pytest.StashKey[list]()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(STATE, None)
    if state is None or state.run is None or hasattr(config, "workerinput"):
        return
    try:
        config.stash[_WRITTEN] = artifacts.write_all(state.run.path)
    except OSError as exc:
        state.run.write_errors.append(f"{state.run.path}: summary.html/metrics.prom not written: "
                                      f"{exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - a report bug must not hide the run's verdicts
        state.run.write_errors.append(safe_text(f"{state.run.path}: summary.html/metrics.prom not written: "
                                                f"{type(exc).__name__}: {exc}"))


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    for path in config.stash.get(_WRITTEN, []):
        if path.name == "summary.html":
            terminalreporter.write_line(f"summary: {path}")
