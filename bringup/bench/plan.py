"""Which benchmark runs happen in this run, on which nodes and rails, in which rounds (pure).

A catalogue entry (:mod:`bringup.bench.catalogue`) says *what* to run and its ``scope`` says on what:

- ``node``: every node alone (single-node nccl-tests over NVLink);
- ``node-pair``: disjoint node pairs in inventory order (:func:`bringup.bench.schedule.matching`), or each node
  with its successor where the case says ``pairing: ring`` (the sender of a one-way test is who is measured);
- ``rail-pair``: the same pairs, once per rail both ends have an address on;
- ``all-nodes``: one job over every node of a launcher domain (multi-node nccl-tests).

Nodes pair only with nodes launched the same way (D5's Slurm side with Slurm nodes, its Kubernetes side with
pods). Every planned run gets an id that is also its folder in ``RUN/bench/``:
``perftest-write-bw@rail2@node01+node02``. Runs that share a node never overlap; :func:`rounds` packs the
rest into concurrent rounds (:func:`bringup.bench.schedule.pack`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from bringup.bench import catalogue, launchers, schedule

if TYPE_CHECKING:
    from bringup.inventory import Node

MAX_NAMED_NODES = 4  # an all-nodes subject lists its nodes up to this many, then counts them


@dataclass(frozen=True)
class Planned:
    """One benchmark run: a catalogue case on a set of nodes (and a rail, for per-rail cases)."""

    case: catalogue.Case
    nodes: tuple["Node", ...]
    rail: str | None = None
    skip: str | None = None

    @property
    def node_names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes)

    @property
    def subject(self) -> str:
        names = self.node_names
        who = "+".join(names) if len(names) <= MAX_NAMED_NODES else f"{len(names)}nodes-{names[0]}"
        return f"{self.rail}@{who}" if self.rail else who

    @property
    def id(self) -> str:
        return f"{self.case.id}@{self.subject}"

    @property
    def layer(self) -> int:
        return self.case.layer


def _domains(nodes: Iterable["Node"]) -> list[list["Node"]]:
    """Nodes grouped by how they are launched: a hybrid's Slurm and Kubernetes sides never share a job."""
    groups: dict[str | None, list["Node"]] = {}
    for node in nodes:
        groups.setdefault(node.partition, []).append(node)
    return list(groups.values())


def _rail_names(nodes: Iterable["Node"]) -> list[str]:
    seen: dict[str, None] = {}
    for node in nodes:
        for rail in node.rails:
            seen.setdefault(rail.name)
    return list(seen)


def _has_address(node: "Node", rail: str) -> bool:
    return any(r.name == rail and r.address is not None for r in node.rails)


def plan_case(case: catalogue.Case, nodes: list["Node"]) -> list[Planned]:
    if case.needs.lab_only and nodes and not all(n.profile == catalogue.LAB_PROFILE for n in nodes):
        return [Planned(case, tuple(nodes[:1]), None, catalogue.skip_reason(case, nodes))]  # one line, not per rail
    planned: list[Planned] = []
    for domain in _domains(nodes):
        if case.scope == "node":
            groups = [(n,) for n in domain]
        elif case.scope == "all-nodes":
            groups = [tuple(domain)]
        else:
            groups = schedule.ring(domain) if case.pairing == "ring" else schedule.matching(domain)
            if not groups:  # a pair benchmark with one node: say so instead of planning nothing
                planned.append(Planned(case, tuple(domain), None, catalogue.skip_reason(case, list(domain))))
        for group in groups:
            reason = launchers.skip_reason(case, list(group))
            if case.scope != "rail-pair":
                planned.append(Planned(case, tuple(group), None, reason))
                continue
            rails = [r for r in _rail_names(group) if all(_has_address(n, r) for n in group)]
            if not rails:
                names = " and ".join(n.name for n in group)
                planned.append(Planned(case, tuple(group), None, f"{case.id} (rail-pair): inventory gives {names} "
                                                                 f"no rail with an address at both ends"))
            for rail in rails:
                planned.append(Planned(case, tuple(group), rail, reason or _rail_reason(case, group, rail)))
    return planned


def _rail_reason(case: catalogue.Case, group: tuple["Node", ...], rail: str) -> str | None:
    """A GPU-memory rail test needs the rail's GPU declared at both ends (``bringup_rails[].gpu``)."""
    if case.needs.gpus and case.tool == "perftest":
        without = [n.name for n in group if n.rail(rail).gpu is None]
        if without:
            return f"inventory declares no GPU for {rail} on {', '.join(without)} (bringup_rails[].gpu)"
    return None


def plan(cases: Iterable[catalogue.Case], nodes: list["Node"]) -> list[Planned]:
    """Every run of ``cases`` on ``nodes``, in catalogue order; a case that cannot run carries its reason."""
    return [p for case in cases for p in plan_case(case, nodes)]


def rounds(planned: list[Planned]) -> list[list[Planned]]:
    """Runs grouped so that no node takes part in two runs of one round."""
    return [[planned[i] for i in indices] for indices in schedule.pack([p.node_names for p in planned])]
