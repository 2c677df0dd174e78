"""Checks as units: what a check decides (a :class:`~bringup.checks.verdict.Verdict`), the pure judge functions
that decide it, and the helpers the suites share.

A suite test reads typed facts from its probes (``facts.get(qos.mlnx_qos(rail))``), hands them with the
expected value to a judge (``checks.equal``, or a layer's own judge in ``bringup/checks/lNN_*.py``) and records
the one verdict through the ``check`` fixture (:mod:`bringup.checks.record`). The judges are plain functions:
unit tests call them directly, with a passing and a failing case each, no replay needed.

Modules:

- ``verdict``: Verdict, NotApplicable and the generic comparisons (equal, at_least, at_most, fleet_identical, holds);
- ``record``: the ``check`` fixture's recorder (properties once per check, fail or warn);
- ``lNN_<slug>``: a layer's judges, where a check is more than one comparison;
- ``network``, ``traffic``, ``nccl``, ``sriov_operator``, ``kube``, ``ifselect``, ``peers``: shared helpers of
  the network, traffic, NCCL, SR-IOV operator, Kubernetes, interface-selection and node-pair checks.
"""

from bringup.checks.verdict import (NotApplicable, Verdict, at_least, at_most, decisive, equal, fleet_identical,
                                    holds, within_fraction)

__all__ = ["NotApplicable", "Verdict", "at_least", "at_most", "decisive", "equal", "fleet_identical", "holds",
           "within_fraction"]
