"""The benchmark catalogue: ``catalogue.yml`` loaded and validated (issue 10 item 2).

Each entry is a :class:`Case`: a benchmark binary with its sizes, iterations and environment, the layer whose
verdict it feeds, the designs it belongs to and what it runs on (its ``scope``). The data lives in the YAML so
a reader changes a size or an iteration count without touching Python; this module only checks it and answers
questions about it (the binary's path under the benchmarks prefix, why a case cannot run on some nodes).
Errors name the file, the entry and the key: ``catalogue.yml: benchmarks[3] (nccl-alltoall): scope: ...``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bringup.designs import DESIGN_BY_ID

if TYPE_CHECKING:
    from bringup.inventory import Node

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yml")
DEFAULT_PREFIX = "/opt/bringup/bench"  # playbooks/roles/benchmarks/defaults/main.yml: benchmarks_prefix
LAB_PROFILE = "lab"  # bringup/lab/inventory_gen.py writes bringup_profile: lab

Tool = Literal["nccl-tests", "osu", "perftest", "iperf3", "netpipe"]
Scope = Literal["node", "node-pair", "rail-pair", "all-nodes"]
# An argv word a benchmark takes: options and their values, never anything a shell would interpret.
_WORD = re.compile(r"^[A-Za-z0-9_.,:=/+-]+$")


def parse_size(text: str) -> int:
    """nccl-tests' size syntax (``-b 8``, ``-e 8G``: K/M/G are powers of 1024, src/common.cu parsesize)."""
    match = re.fullmatch(r"(\d+)([KMG]?)", text.strip().upper())
    if not match:
        raise ValueError(f"size {text!r}: a number with an optional K, M or G")
    return int(match.group(1)) * 1024 ** " KMG".index(match.group(2) or " ")


class CatalogueError(ValueError):
    """A problem in the catalogue file, or a request for a benchmark it does not hold."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Needs(_Strict):
    gpus: bool = False
    rdma: bool = False
    lab_only: bool = False


class Case(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    tool: Tool
    binary: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    op: str = Field(pattern=r"^[a-z0-9_]+$")
    layer: int = Field(ge=1, le=15)
    designs: Literal["all"] | tuple[str, ...] = "all"
    scope: Scope
    rails: Literal["all", "one"] = "all"
    ranks_per_node: Literal["gpus"] | int = 1
    needs: Needs = Needs()
    args: tuple[str, ...] = ()
    env: dict[str, str] = Field(default_factory=dict)
    timeout_s: int = Field(ge=1, le=86400)
    judged_sizes: tuple[int, ...] = ()
    # Pair scopes: ``matching`` (node 1 with 2, 3 with 4: every node once) or ``ring`` (each node with its
    # successor: every node leads once, for one-way tests whose sender is the one measured).
    pairing: Literal["matching", "ring"] = "matching"

    @field_validator("designs")
    @classmethod
    def _known_designs(cls, value):
        if value == "all":
            return value
        unknown = [d for d in value if d not in DESIGN_BY_ID]
        if unknown or not value:
            raise ValueError(f"D1..D5 or 'all', got {list(value)}")
        return tuple(value)

    @field_validator("ranks_per_node")
    @classmethod
    def _positive(cls, value):
        if isinstance(value, int) and value < 1:
            raise ValueError("'gpus' or a positive number")
        return value

    @field_validator("args")
    @classmethod
    def _words(cls, value):
        bad = [a for a in value if not _WORD.match(a)]
        if bad:
            raise ValueError(f"plain option words only (letters, digits, _.,:=/+-), got {bad}")
        return value

    @field_validator("env")
    @classmethod
    def _env(cls, value):
        bad = [k for k in value if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", k)]
        bad += [f"{k}={v}" for k, v in value.items() if not _WORD.match(str(v))]
        if bad:
            raise ValueError(f"NAME: value pairs of plain words, got {bad}")
        return value

    @field_validator("judged_sizes")
    @classmethod
    def _sizes(cls, value):
        if any(s < 0 for s in value):
            raise ValueError(f"byte counts >= 0, got {list(value)}")
        return value

    @model_validator(mode="after")
    def _valid_measurement(self) -> "Case":
        """nccl-tests: layers.md §4 "Measure -n >= 20 -w >= 5"; each judged size inside -b..-e."""
        if self.tool != "nccl-tests":
            return self
        opts = dict(zip(self.args[::2], self.args[1::2])) if len(self.args) % 2 == 0 else {}
        for flag, least in (("-n", 20), ("-w", 5)):
            got = opts.get(flag)
            if got is None or not got.isdigit() or int(got) < least:
                raise ValueError(f"args: {flag} {got or '(missing)'}: a valid nccl-tests measurement needs "
                                 f"{flag} >= {least} (layers.md §4)")
        low, high = (parse_size(opts.get(f, "0")) for f in ("-b", "-e"))
        outside = [s for s in self.judged_sizes if not low <= s <= high]
        if outside:
            raise ValueError(f"judged_sizes: {outside} outside the measured -b {opts.get('-b')} .. -e {opts.get('-e')}")
        return self

    def applies_to(self, design_id: str) -> bool:
        return self.designs == "all" or design_id in self.designs


class Catalogue(_Strict):
    tools: dict[Tool, str | None]
    benchmarks: tuple[Case, ...]
    path: Path = CATALOGUE_FILE

    def case(self, case_id: str) -> Case:
        for case in self.benchmarks:
            if case.id == case_id:
                return case
        raise CatalogueError(f"{self.path.name}: no benchmark {case_id!r}; known: "
                             f"{', '.join(c.id for c in self.benchmarks)}")

    def for_design(self, design_id: str) -> list[Case]:
        return [c for c in self.benchmarks if c.applies_to(design_id)]

    def binary_path(self, case: Case, node: "Node") -> str:
        """Where the benchmarks role put the binary on ``node`` (``bringup_mpi.benchmarks_prefix``), or the
        bare name for a tool taken from PATH (Debian's iperf3, NPmpi)."""
        template = self.tools.get(case.tool)
        if template is None:
            return case.binary
        return template.format(prefix=bench_prefix(node), binary=case.binary)


def bench_prefix(node: "Node") -> str:
    return str(node.mpi.benchmarks_prefix or DEFAULT_PREFIX)


def _where(data: dict, loc: tuple) -> str:
    """``benchmarks[3] (nccl-alltoall): args`` from a pydantic error location."""
    parts: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(item, int) and i and loc[i - 1] == "benchmarks":
            parts[-1] += f"[{item}]"
            entries = data.get("benchmarks") or []
            if item < len(entries) and isinstance(entries[item], dict) and entries[item].get("id"):
                parts[-1] += f" ({entries[item]['id']})"
        else:
            parts.append(str(item))
    head, rest = (parts[0], parts[1:]) if parts else ("", [])
    return f"{head}: {'.'.join(rest)}" if rest else head


def load(path: Path | str = CATALOGUE_FILE) -> Catalogue:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise CatalogueError(f"{path}: unreadable: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise CatalogueError(f"{where}: YAML syntax error: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: expected a mapping with 'tools' and 'benchmarks'")
    try:
        catalogue = Catalogue(**{**data, "path": path})
    except pydantic.ValidationError as exc:
        lines = []
        for err in exc.errors():
            got = err.get("input")
            shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
            lines.append(f"{path}: {_where(data, err['loc'])}: {err['msg'].removeprefix('Value error, ')}{shown}")
        raise CatalogueError("\n".join(lines)) from None
    ids = [c.id for c in catalogue.benchmarks]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise CatalogueError(f"{path}: benchmarks: duplicate id {dup}")
    missing = sorted({c.tool for c in catalogue.benchmarks} - set(catalogue.tools))
    if missing:
        raise CatalogueError(f"{path}: tools: no install path for {missing} (null: on PATH)")
    return catalogue


@lru_cache(maxsize=1)
def default() -> Catalogue:
    return load(CATALOGUE_FILE)


def skip_reason(case: Case, nodes: list["Node"]) -> str | None:
    """Why ``case`` cannot run on ``nodes``, in the inventory's words; None when it can."""
    if not nodes:
        return f"{case.id}: no nodes to run on"
    design = nodes[0].design
    if not case.applies_to(design.id):
        return f"{case.id} is not part of {design.id} ({design.slug})"
    lab = all(n.profile == LAB_PROFILE for n in nodes)
    if case.needs.lab_only and not lab:
        return f"{case.id} runs in the lab only (bringup_profile: {LAB_PROFILE}); {nodes[0].name} is {nodes[0].profile}"
    if case.needs.gpus:
        without = [n.name for n in nodes if not n.hardware.gpus]
        if without:
            return f"{case.id} needs GPUs; inventory declares none for {', '.join(without)}"
    if case.needs.rdma:
        without = [n.name for n in nodes if not any(r.rdma_device for r in n.rails)]
        if without:
            return f"{case.id} needs RDMA rails; inventory declares no rdma_device for {', '.join(without)}"
    wanted = {"node": 1, "node-pair": 2, "rail-pair": 2}.get(case.scope)
    if wanted is not None and len(nodes) != wanted:
        return f"{case.id} ({case.scope}) runs on {wanted} node(s), given {len(nodes)}"
    if case.scope == "all-nodes" and len(nodes) < 2:
        return f"{case.id} ({case.scope}) measures the network: it needs two nodes or more, given {len(nodes)}"
    return None
