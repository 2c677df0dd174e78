# The bringup pytest plugins (options, parametrization, gating, run directory; the benchmark runs; summary.html
# and metrics.prom at the end) load through their `pytest11` entry points (pyproject.toml), for suites/ and
# tests/ alike: `python3 -m pip install -e '.[test]'` installs them. Not listed here in `pytest_plugins` too.
