"""The data localization works on: one pair measurement, a suspect endpoint, a blame (no logic here)."""

from __future__ import annotations

from dataclasses import dataclass, field

# What the rail of a node-pair benchmark (NetPIPE, OSU: one job over the node, not one rail) is called.
NODE_RAIL = ""

# A ``measure`` callback's answer for a run that was not made (a replayed run that recorded no second pass):
# the driver leaves it out, where a run that gave no figure (None) counts as slow.
NOT_RUN = "not-run"


@dataclass(frozen=True)
class Measure:
    """One pair run: ``sender`` launches (perftest/iperf3 client: what a one-way test measures leaving),
    ``receiver`` serves. ``value`` None: the run gave no figure (it failed, timed out, never connected),
    which counts as slow. ``run`` is the benchmark run id (``bench/<run>/``)."""

    sender: str
    receiver: str
    rail: str
    value: float | None
    run: str = ""
    stage: str = "first"  # first | second (the re-test against known-good partners)


@dataclass(frozen=True)
class Suspect:
    """An endpoint of a slow first-pass pair, in the role it had there: ``send``, ``recv`` or ``any`` (a
    symmetric benchmark); the re-test keeps the role, so a fault in one direction is tested in it."""

    node: str
    rail: str
    role: str


@dataclass(frozen=True)
class Blame:
    """``kind``: ``node`` (slow on all its rails: a slow host), ``rail`` (one rail: the NIC or its link),
    ``link`` (a pair slow only together: the path between them). ``link`` names the cable ends or the leaf
    path; ``evidence`` is the sentence a reader acts on; ``confidence`` in 0..1."""

    kind: str
    node: str
    rail: str
    link: str
    evidence: str
    confidence: float
    nodes: tuple[str, ...] = ()
    runs: tuple[str, ...] = field(default=(), compare=False)
