"""History across runs: ``reports/`` is the history (:mod:`bringup.history.load`), a regression gate over it
(:mod:`bringup.history.gate`, ``pytest suites/ --compare-history``), and what changed between runs
(:mod:`bringup.history.versions`)."""

from bringup.history.load import HistoryWarning, load_history
from bringup.history.rows import COLUMNS

__all__ = ["COLUMNS", "HistoryWarning", "load_history"]
