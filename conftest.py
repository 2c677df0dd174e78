# Loads the bringup pytest plugins (options, parametrization, gating, run directory; the benchmark runs) for
# suites/ and tests/.
pytest_plugins = ("bringup.plugin", "bringup.bench.suite", "bringup.history.gate_plugin", "bringup.localize.suite")
