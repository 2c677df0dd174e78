"""The project's tests under pytest-xdist: which tests must not share the machine with each other.

The README's test command runs ``tests/`` on xdist workers with ``--dist loadgroup``. Every test of one
``xdist_group`` runs on a single worker, in collection order, one at a time (module fixtures built once, torn
down before the next module), while ungrouped tests spread over the other workers:

- ``lab``: the virtual-lab tests (marked ``lab``: one lab per host, network namespaces and daemons), and the
  lab's unit tests (``test_lab_*.py``: they share a lock file path);
- ``sshd``: the tests on real sshd nodes (:mod:`tests.sshd_nodes`): each set listens on 127.0.0.10 and up, on
  a port one process finds free and sshd binds later, which another worker could pick in between.

A test that asserts a wall-clock bound (``assert ... time.monotonic() - start < 11``: the session bounds of
test_bounded_sessions.py, the regex timing of test_rundir_safety.py), or one listed in ``FLAKY_UNDER_LOAD``, runs
alone: it waits until no other worker is in a test and holds the others off until it is done (a reader-writer
lock on a file the workers share, with a turnstile so a waiting one is not starved). Under load such bounds fail
(measured: the 6-11 s session bound took longer with both workers busy). The lab tests keep out of that lock:
they hold a worker for minutes, and their figures are ratios and lower bounds, not upper bounds on wall time.

xdist hands out the largest group first (``--loadscopereorder``, its default), so the lab group, the longest
chain of tests that cannot be split, starts at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import inspect
import re
import tempfile
from pathlib import Path

import pytest

# An assertion on elapsed wall-clock time, as the tests write it.
WALL_CLOCK_BOUND = re.compile(r"assert\b[^\n]*\b(?:monotonic|perf_counter|time)\(\) - ")


@functools.cache
def _source(func) -> str:
    try:
        return inspect.getsource(func)
    except (OSError, TypeError):
        return ""


# Tests seen failing under load with other tests running beside them, by file::name, and why.
FLAKY_UNDER_LOAD = {
    # Its ``ran`` fixture makes time.sleep a no-op, so heal's 50 x 50 ms wait for the SIGKILLed loop to go takes
    # microseconds; with a busy CPU the loop is still in /proc when the test looks (failed 3 times in a row
    # under -n 2 while the machine was loaded, passes when idle).
    "test_lab_fault_argv.py::test_flap_starts_one_loop_records_it_and_heal_stops_it",
}


def runs_alone(item: pytest.Item) -> bool:
    return (f"{item.path.name}::{item.name}" in FLAKY_UNDER_LOAD
            or bool(WALL_CLOCK_BOUND.search(_source(getattr(item, "function", None)))))


@functools.cache
def _starts_sshd_nodes(func) -> bool:
    return "SshdNodes(" in _source(func)


def group_of(item: pytest.Item) -> str | None:
    if item.get_closest_marker("lab") is not None or item.path.name.startswith("test_lab_"):
        return "lab"
    funcs = [getattr(item, "function", None)] + [
        d.func for defs in getattr(item, "_fixtureinfo").name2fixturedefs.values() for d in defs]
    if any(f is not None and _starts_sshd_nodes(f) for f in funcs):
        return "sshd"
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        group = group_of(item) if hasattr(item, "_fixtureinfo") else None
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@contextlib.contextmanager
def machine_share(folder: Path, alone: bool):
    """Shared for an ordinary test, exclusive for one that runs alone. Every test passes the turnstile first;
    one waiting to run alone keeps it, so the others cannot keep taking shared turns ahead of it."""
    with open(folder / "tests-turnstile.lock", "a") as turnstile, open(folder / "tests-machine.lock", "a") as machine:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(machine, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            if not alone:
                fcntl.flock(turnstile, fcntl.LOCK_UN)
        yield  # closing the files releases both locks


def _shared_folder(config: pytest.Config) -> Path:
    """The run's basetemp parent: every worker's basetemp (``popen-gwN``) sits in it, and pytest prunes it."""
    factory = getattr(config, "_tmp_path_factory", None)
    return factory.getbasetemp().parent if factory else Path(tempfile.gettempdir())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    if not hasattr(item.config, "workerinput") or item.get_closest_marker("lab") is not None:
        return (yield)
    with machine_share(_shared_folder(item.config), runs_alone(item)):
        return (yield)
