# Loads the bringup pytest plugin (options, parametrization, gating, run directory) for suites/ and tests/.
pytest_plugins = ("bringup.plugin",)
