# Loads the bringup pytest plugins (options, parametrization, gating, run directory; the benchmark runs;
# summary.html and metrics.prom at the end) for suites/ and tests/.
pytest_plugins = ("bringup.plugin", "bringup.bench.suite", "bringup.report.html_plugin",
                  "bringup.history.gate_plugin", "bringup.localize.suite")
