"""The pytest plugin of the acceptance suites: options and hooks. Loaded by its ``pytest11`` entry point
(pyproject.toml), or ``-p bringup.plugin``.

The work lives in :mod:`bringup.suite`: the run's state (``session``), items from the cluster model
(``collection``), the fixtures (``fixtures``, registered through ``pytest_plugins``) and the results
(``recording``). State lives in ``config.stash[STATE]`` only; ``STATE``, ``LAYER`` and ``NODES`` are importable
from here for the other plugins (bench, localize, history gate, html report, peers).
"""

from __future__ import annotations

from typing import Any

import pytest

from bringup.designs import LAYERS
from bringup.suite import collection, recording
from bringup.suite import session as suite_session
from bringup.suite.collection import LAYER, NODES
from bringup.suite.session import STATE

__all__ = ["LAYER", "NODES", "STATE"]

pytest_plugins = ("bringup.suite.fixtures",)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bringup", "bringup acceptance suites")
    group.addoption("--inventory", default=None, metavar="NAME|PATH",
                    help="Ansible inventory: a name under inventories/ or a path (default: local)")
    group.addoption("--design", default=None, help="override the inventory's bringup_design (slug or D1..D5)")
    group.addoption("--layers", default=None, metavar="SPEC", help="layers to run, e.g. 1-7,13 (default: all)")
    group.addoption("--nodes", default=None, metavar="PATTERN",
                    help="comma-separated node globs or group names (default: all nodes)")
    group.addoption("--no-gate", action="store_true", help="do not skip a node's higher layers after a failure")
    group.addoption("--replay", default=None, metavar="RUN_DIR",
                    help="re-evaluate a recorded run directory without contacting any node; `demo` replays the embedded "
                         "demo (a recorded 2-node H100 cluster with one fault)")
    group.addoption("--transport", default=None, choices=["local", "ssh", "paramiko", "ansible"],
                    help="force a testinfra backend (default: from ansible_connection, else ssh)")
    group.addoption("--probe-timeout", type=float, default=30.0, metavar="S",
                    help="seconds one probe command may run before it is killed and reported (default 30)")
    group.addoption("--reports-dir", default=None, metavar="DIR", help="where run directories go (default reports/)")


def pytest_configure(config: pytest.Config) -> None:
    for layer in LAYERS:
        config.addinivalue_line("markers", f"{layer.marker}: layer {layer.number}, {layer.title}")
    if not suite_session.suite_mode(config):
        return
    state = config.stash[STATE] = suite_session.start(config)
    if state.run is not None and not hasattr(config, "workerinput"):
        config.pluginmanager.register(recording.ResultRecorder(config), recording.ResultRecorder.NAME)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With -n N (xdist's default "load" distribution): one cluster node's checks per worker, in order."""
    state = config.stash.get(STATE, None)
    if state is None or config.getvalue("dist") != "load":
        return None
    from bringup.xdist_scheduling import NodeScopeScheduling

    return NodeScopeScheduling(config, log, [n.name for n in state.nodes])


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:  # pytest-xdist: tell workers where the run directory is
    state = node.config.stash.get(STATE, None)
    if state and state.run:
        node.workerinput["bringup_run_dir"] = str(state.run.path)


# ---------------------------------------------------------------- collection


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    state = metafunc.config.stash.get(STATE, None)
    if state is not None:
        collection.parametrize(metafunc, state)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tag each suite item with its layer, nodes, marker and properties as soon as it exists."""
    if STATE in item.config.stash:
        collection.tag(item)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash.get(STATE, None)
    if state is None:
        return
    keep, drop = collection.select(items, state)
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep


# ---------------------------------------------------------------- gating (bringup/gating.py)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    state = item.config.stash.get(STATE, None)
    if state is None or not state.gate_enabled or LAYER not in item.stash:
        return
    blocker = state.gate.blocker(item.stash[NODES], item.stash[LAYER])
    if blocker:
        pytest.skip(blocker.reason())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    state = item.config.stash.get(STATE, None)
    if state is not None and report.failed and LAYER in item.stash:
        state.gate.record_failure(item.stash[NODES], item.stash[LAYER], item.name)
    return report


# ---------------------------------------------------------------- the run's end (results: bringup/suite/recording.py)


# trylast: after every plain sessionfinish (the history gate's versions.json: its write error must count) and
# terminal summary (the history notes print first, as they always did); before bringup.report.html_plugin's
# (trylast too, registered after this module: its entry point sorts after ours), which reads the final meta.json.
@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE, None)
    if state is not None and state.run is not None and not hasattr(session.config, "workerinput"):
        recording.finish(session, state, exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state is not None and state.run is not None:
        recording.terminal_summary(terminalreporter, state)
