"""Ansible inventory -> Cluster model.

The inventory is loaded with ansible-core's own InventoryManager and VariableManager, so group_vars and
host_vars precedence is exactly what the playbooks see. The project's own variables (``bringup_*``) are then
validated with the models in :mod:`bringup.model`; every error names the file, the host or group, the key and
what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
import yaml

from bringup.designs import Design, UnknownDesign, get_design
from bringup.model import CablingEntry, Fabric, Frontend, Hardware, HostVars, Rail
from bringup.pairs import rail_peers

INVENTORY_ROOT = Path(__file__).resolve().parent.parent / "inventories"
PROJECT_KEYS = tuple(HostVars.model_fields)


class InventoryError(Exception):
    """A problem in the inventory; the message names the place and what was expected."""


@dataclass(frozen=True)
class Connection:
    """How to reach a node, from the standard ansible_* variables."""

    kind: str  # local, ssh, paramiko, ansible
    host: str
    port: int | None = None
    user: str | None = None
    identity_file: str | None = None
    ssh_args: tuple[str, ...] = ()  # already split; each is quoted again before reaching a shell

    @property
    def ssh_extra_args(self) -> str:
        return shlex.join(self.ssh_args)


@dataclass
class Node:
    name: str
    groups: tuple[str, ...]
    connection: Connection
    design: Design
    profile: str
    hardware: Hardware
    fabric: Fabric
    rails: tuple[Rail, ...]
    partition: str | None
    expect: dict[str, Any]
    vars: dict[str, Any] = field(repr=False, default_factory=dict)
    # rail name -> (peer node, peer address on that rail); see bringup.pairs.rail_peers
    rail_peers: dict[str, tuple[str, str]] = field(repr=False, default_factory=dict)
    # rail name -> that peer's own Rail (its RDMA device and GPU serve the far end of a traffic test)
    peer_rails: dict[str, Rail] = field(repr=False, default_factory=dict)
    # every node of the inventory, in order (L14 SSH mesh and name resolution probe all of them)
    fleet: tuple[str, ...] = field(repr=False, default=())
    frontend: Frontend | None = None  # the management/bootstrap interface (L9), when the inventory declares one

    def rail(self, name: str) -> Rail:
        for rail in self.rails:
            if rail.name == name:
                return rail
        raise KeyError(f"{self.name} has no rail {name!r}")


@dataclass
class Cluster:
    name: str
    path: Path
    design: Design
    nodes: tuple[Node, ...]
    cabling: tuple[CablingEntry, ...]
    digest: str

    def node(self, name: str) -> Node:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def cabling_for(self, node: str, rail: str) -> CablingEntry | None:
        for entry in self.cabling:
            if entry.node == node and entry.rail == rail:
                return entry
        return None


def resolve_inventory_path(name_or_path: str) -> Path:
    """``local`` -> inventories/local/; a path is taken as it is. Missing: a clear error."""
    candidate = Path(name_or_path)
    if candidate.exists():
        return candidate.resolve()
    named = INVENTORY_ROOT / name_or_path
    if named.exists():
        return named.resolve()
    known = sorted(p.name for p in INVENTORY_ROOT.iterdir() if p.is_dir()) if INVENTORY_ROOT.exists() else []
    raise InventoryError(
        f"inventory {name_or_path!r} not found: no such path, and no {named} "
        f"(named inventories: {', '.join(known) or 'none'})"
    )


HOSTS_FILES = ("hosts.yml", "hosts.yaml", "hosts.ini", "hosts")


def ansible_source(root: Path) -> Path:
    """The file ansible reads. An inventory folder's hosts file, not the folder: ansible would otherwise try
    every file in it (the cabling CSV included) as an inventory source. group_vars/ and host_vars/ beside
    the hosts file are still loaded, exactly as ansible-playbook -i hosts.yml loads them."""
    if root.is_file():
        return root
    for name in HOSTS_FILES:
        if (root / name).is_file():
            return root / name
    return root


def _yaml_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def _check_yaml_syntax(root: Path) -> None:
    """Ansible reports a YAML error in an inventory as a warning and carries on; we stop, with the line."""
    for path in _yaml_files(root):
        try:
            yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            problem = getattr(exc, "problem", None) or str(exc)
            raise InventoryError(f"{where}: YAML syntax error: {problem}") from None


def _plain(value: Any) -> Any:
    """Ansible tags its containers; hand the models plain Python."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


class _Locator:
    """Finds the file that sets a variable for a host, for error messages."""

    def __init__(self, root: Path):
        self.base = root if root.is_dir() else root.parent
        self.root = root
        self._cache: dict[Path, dict] = {}

    def _load(self, path: Path) -> dict:
        if path not in self._cache:
            try:
                data = yaml.safe_load(path.read_text()) or {}
            except (OSError, yaml.YAMLError):
                data = {}
            self._cache[path] = data if isinstance(data, dict) else {}
        return self._cache[path]

    def _candidates(self, kind: str, name: str) -> list[Path]:
        folder = self.base / kind
        paths = [folder / f"{name}{ext}" for ext in ("", ".yml", ".yaml")]
        found = [p for p in paths if p.is_file()]
        if (folder / name).is_dir():
            found += _yaml_files(folder / name)
        return found

    def locate(self, key: str, host: str, groups: tuple[str, ...]) -> str:
        for path in self._candidates("host_vars", host):
            if key in self._load(path):
                return f"{path} (host {host})"
        for group in groups:  # most specific first
            for path in self._candidates("group_vars", group):
                if key in self._load(path):
                    return f"{path} (group {group})"
        return f"{self.root} (host {host})"


def _format_validation_error(exc: pydantic.ValidationError, locate) -> str:
    """One line per problem: the file that sets the variable, the variable path, what was expected."""
    lines = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        key = "bringup_" + ".".join(loc) if loc else "bringup_rails"
        got = err.get("input")
        shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
        message = err["msg"].removeprefix("Value error, ")
        lines.append(f"{locate(key.split('.')[0])}: {key}: {message}{shown}")
    return "\n".join(lines)


def _connection(name: str, hv: dict[str, Any]) -> Connection:
    kind = str(hv.get("ansible_connection") or "ssh")
    if kind == "smart":
        kind = "ssh"
    args = shlex.split(str(hv.get("ansible_ssh_common_args") or "")) + shlex.split(
        str(hv.get("ansible_ssh_extra_args") or "")
    )
    port = hv.get("ansible_port") or hv.get("ansible_ssh_port")
    return Connection(
        kind=kind,
        host=str(hv.get("ansible_host") or name),
        port=int(port) if port else None,
        user=hv.get("ansible_user") or hv.get("ansible_ssh_user"),
        identity_file=hv.get("ansible_ssh_private_key_file"),
        ssh_args=tuple(args),
    )


def load_cabling(path: Path, nodes: dict[str, Node]) -> tuple[CablingEntry, ...]:
    """The cabling plan: CSV with columns node, rail, leaf, port (one row per cable)."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise InventoryError(f"{path}: cabling plan unreadable: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    expected = ["node", "rail", "leaf", "port"]
    if [c.strip() for c in (reader.fieldnames or [])] != expected:
        raise InventoryError(f"{path}:1: cabling plan header is {reader.fieldnames}, expected {','.join(expected)}")
    entries = []
    for line_no, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not all(row.get(c) for c in expected):
            raise InventoryError(f"{path}:{line_no}: every column of {expected} needs a value, got {row}")
        node = nodes.get(row["node"])
        if node is None:
            raise InventoryError(f"{path}:{line_no}: node {row['node']!r} is not in the inventory")
        if row["rail"] not in {r.name for r in node.rails}:
            raise InventoryError(
                f"{path}:{line_no}: node {row['node']} has no rail {row['rail']!r} "
                f"(its rails: {', '.join(r.name for r in node.rails) or 'none'})"
            )
        entries.append(CablingEntry(**row))
    return tuple(entries)


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        h.update(str(path.relative_to(root if root.is_dir() else root.parent)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def load_inventory(name_or_path: str, design_override: str | None = None) -> Cluster:
    root = resolve_inventory_path(name_or_path)
    _check_yaml_syntax(root)

    os.environ.setdefault("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
    from ansible.errors import AnsibleError
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    try:
        inventory = InventoryManager(loader=loader, sources=[str(ansible_source(root))])
        manager = VariableManager(loader=loader, inventory=inventory)
    except AnsibleError as exc:
        raise InventoryError(f"{root}: ansible could not load the inventory: {exc.message}") from None
    hosts = inventory.get_hosts()
    if not hosts:
        raise InventoryError(f"{root}: the inventory defines no hosts")

    locator = _Locator(root)
    nodes: dict[str, Node] = {}
    for host in hosts:
        name = _plain(host.name)  # ansible tags its strings; xdist can't serialise the tagged type
        groups = tuple(_plain(g.name) for g in sorted(host.get_groups(), key=lambda g: -g.depth))
        raw = manager.get_vars(host=host)
        templar = Templar(loader=loader, variables=raw)
        try:
            project = {k: _plain(templar.template(raw[k])) for k in raw if k.startswith("bringup_")}
            connection_vars = {k: _plain(templar.template(raw[k])) for k in raw if k.startswith("ansible_")}
        except AnsibleError as exc:
            raise InventoryError(f"{root} (host {host.name}): cannot template a variable: {exc.message}") from None
        unknown = sorted(k for k in project if k.removeprefix("bringup_") not in PROJECT_KEYS)
        if unknown:
            key = unknown[0]
            raise InventoryError(
                f"{locator.locate(key, host.name, groups)}: unknown variable {key!r}; "
                f"expected one of: {', '.join('bringup_' + k for k in PROJECT_KEYS)}"
            )
        try:
            hv = HostVars(**{k.removeprefix("bringup_"): v for k, v in project.items()})
        except pydantic.ValidationError as exc:
            locate = lambda key: locator.locate(key, name, groups)  # noqa: E731
            raise InventoryError(_format_validation_error(exc, locate)) from None
        try:
            design = get_design(design_override or hv.design)
        except UnknownDesign as exc:
            raise InventoryError(f"{locator.locate('bringup_design', host.name, groups)}: bringup_design: {exc}") from None
        nodes[name] = Node(
            name=name,
            groups=groups,
            connection=_connection(name, connection_vars),
            design=design,
            profile=hv.profile,
            hardware=hv.hardware,
            fabric=hv.fabric,
            rails=tuple(hv.rails),
            frontend=hv.frontend,
            partition=hv.partition,
            expect=dict(hv.expect),
            vars=project,
        )

    designs = {n.design.slug for n in nodes.values()}
    if len(designs) > 1:
        detail = ", ".join(f"{n.name}={n.design.slug}" for n in nodes.values())
        raise InventoryError(f"{root}: bringup_design differs between hosts ({detail}); one inventory is one design")
    first = next(iter(nodes.values()))

    plans = {n.vars.get("bringup_cabling_plan") for n in nodes.values()} - {None}
    cabling: tuple[CablingEntry, ...] = ()
    if len(plans) > 1:
        raise InventoryError(f"{root}: bringup_cabling_plan differs between hosts: {sorted(plans)}")
    if plans:
        plan = Path(plans.pop())
        base = root if root.is_dir() else root.parent
        cabling = load_cabling(plan if plan.is_absolute() else base / plan, nodes)

    for name, peers in rail_peers(nodes.values()).items():
        nodes[name].rail_peers = peers
        nodes[name].peer_rails = {rail: nodes[peer].rail(rail) for rail, (peer, _) in peers.items()}
    for node in nodes.values():
        node.fleet = tuple(nodes)

    return Cluster(
        name=root.name,
        path=root,
        design=first.design,
        nodes=tuple(nodes.values()),
        cabling=cabling,
        digest=_digest(root),
    )
