"""The parts of the acceptance-suite pytest plugin (:mod:`bringup.plugin` holds its options and hooks).

- :mod:`~bringup.suite.session`: the run's :class:`~bringup.suite.session.State` in ``config.stash``: the
  cluster loaded from the inventory or a recorded run, the selected nodes and layers, the run directory, the
  prober and its transports;
- :mod:`~bringup.suite.collection`: suite items parametrized per node, rail or GPU, tagged with their layer
  and nodes, deselected outside the design or ``--layers`` and ordered bottom-up;
- :mod:`~bringup.suite.fixtures`: ``cluster``, ``facts``, ``kube``, ``fleet`` and ``check``;
- :mod:`~bringup.suite.recording`: one result record per check (results.jsonl), junit.xml, the run's end and
  the terminal's layer x node table.
"""
