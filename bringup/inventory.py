"""Ansible inventory -> Cluster model.

The inventory is loaded with ansible-core's own InventoryManager and VariableManager, so group_vars and
host_vars precedence is exactly what the playbooks see. The project's own variables (``bringup_*``) are then
validated with the models in :mod:`bringup.model`; every error names the file, the host or group, the key and
what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import ipaddress
import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

import pydantic
import yaml

from bringup.designs import Design, UnknownDesign, get_design
from bringup.model import (CablingEntry, Fabric, Frontend, Hardware, HostVars, Kubernetes, Mpi, Rail,
                           host_name_problem)
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
    # The typed bringup_* variables the probes, checks and launchers read (``vars`` is the raw project mapping,
    # kept for the resolved record and the playbooks; checks never read it).
    nic_stack: str | None = None  # doca | inbox | None (undeclared)
    mpi: Mpi = field(repr=False, default_factory=Mpi)
    slurm: dict[str, Any] = field(repr=False, default_factory=dict)
    kubernetes: Kubernetes | None = field(repr=False, default=None)

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
        return f"{ansible_source(self.root)} (host {host})"  # inline in the hosts file, or a plugin's


# pydantic names the member of a union that failed ("int", "literal['unlimited','any']", "list[...]",
# a model's class name); the user wrote one key, so the message stops at the key.
_UNION_MEMBER = re.compile(r"^(int|float|str|bool|none|constrained-\w+|[a-z_-]+\[.*\]|[A-Z]\w*)$")


def _format_validation_error(exc: pydantic.ValidationError, locate) -> str:
    """One line per key: the file that sets the variable, the variable path, what was expected."""
    found: dict[str, tuple[list[str], Any]] = {}
    for err in exc.errors():
        loc = []
        for part in err["loc"]:
            if isinstance(part, str) and _UNION_MEMBER.match(part):
                break
            loc.append(str(part))
        key = "bringup_" + ".".join(loc) if loc else "bringup_rails"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key (a typo?): not one the schema in bringup/model.py defines"
        messages, _ = found.setdefault(key, ([], err.get("input")))
        if message not in messages:
            messages.append(message)
    lines = []
    for key, (messages, got) in found.items():
        shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
        lines.append(f"{locate(key.split('.')[0])}: {key}: {'; or '.join(messages)}{shown}")
    return "\n".join(lines)


# ansible_user reaches ssh as user@host: a POSIX-style login name (useradd's default NAME_REGEX, plus
# upper case and '.'), never starting with '-'.
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$")


def _connection(name: str, hv: dict[str, Any], where: Callable[[str], str]) -> Connection:
    """The ansible_* variables a transport uses, checked: each error names the file that sets it and the host."""
    kind = str(hv.get("ansible_connection") or "ssh")
    if kind == "smart":
        kind = "ssh"
    port_key = "ansible_port" if hv.get("ansible_port") is not None else "ansible_ssh_port"
    declared_port, port = hv.get(port_key), None
    if declared_port is not None and declared_port != "":
        try:
            port = int(declared_port)
            if not 1 <= port <= 65535:
                raise ValueError
        except (TypeError, ValueError):
            raise InventoryError(f"{where(port_key)}: {port_key}: a TCP port 1-65535 "
                                 f"(got {declared_port!r})") from None
    host_key = "ansible_host" if hv.get("ansible_host") else None
    host = str(hv.get("ansible_host") or name)
    if host_key and _address_problem(host):
        raise InventoryError(f"{where(host_key)}: {host_key}: {_address_problem(host)} (got {host!r})")
    user_key = "ansible_user" if hv.get("ansible_user") else "ansible_ssh_user"
    user = hv.get(user_key)
    if user and not _USER.fullmatch(str(user)):
        raise InventoryError(f"{where(user_key)}: {user_key}: a login name of letters, digits, '_', '.' and '-', "
                             f"not starting with '-' (got {user!r})")
    try:
        args = shlex.split(str(hv.get("ansible_ssh_common_args") or "")) + shlex.split(
            str(hv.get("ansible_ssh_extra_args") or ""))
    except ValueError as exc:
        raise InventoryError(f"{where('ansible_ssh_common_args')}: ansible_ssh_common_args/extra_args: {exc}") from None
    return Connection(
        kind=kind,
        host=host,
        port=port,
        user=str(user) if user else None,
        identity_file=hv.get("ansible_ssh_private_key_file"),
        ssh_args=tuple(args),
    )


def _address_problem(host: str) -> str | None:
    """ansible_host: an IP address or a host name (RFC 1123); anything else never reaches ssh."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        problem = host_name_problem(host)
        return f"an IP address or a host name: {problem}" if problem else None


def load_cabling(path: Path, nodes: dict[str, Node]) -> tuple[CablingEntry, ...]:
    """The cabling plan: CSV with columns node, rail, leaf, port (one row per cable).

    A wrong path can name any file, so the errors say where and what, never what the file holds."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise InventoryError(f"{path}: cabling plan unreadable: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InventoryError(f"{path}: cabling plan is not UTF-8 text (expected a CSV file)") from None
    return cabling_entries(list(csv.reader(text.splitlines())), nodes, str(path))


CABLING_COLUMNS = ["node", "rail", "leaf", "port"]


def cabling_entries(rows: list[list[str]], nodes: dict[str, Node], where: str) -> tuple[CablingEntry, ...]:
    """Rows of a cabling plan (the header first) -> entries, each checked against the inventory's nodes."""
    if not rows or [c.strip() for c in rows[0]] != CABLING_COLUMNS:
        raise InventoryError(f"{where}:1: the first line of a cabling plan must be the header "
                             f"{','.join(CABLING_COLUMNS)}")
    entries = []
    for line_no, raw in enumerate(rows[1:], start=2):
        if not raw:
            continue
        row = dict(zip(CABLING_COLUMNS, (str(v).strip() for v in raw)))
        if len(raw) != len(CABLING_COLUMNS) or not all(row.get(c) for c in CABLING_COLUMNS):
            raise InventoryError(f"{where}:{line_no}: every column of {CABLING_COLUMNS} needs a value, "
                                 f"got {len(raw)} field(s)")
        node = nodes.get(row["node"])
        if node is None:
            raise InventoryError(f"{where}:{line_no}: node {row['node']!r} is not in the inventory")
        if row["rail"] not in {r.name for r in node.rails}:
            raise InventoryError(
                f"{where}:{line_no}: node {row['node']} has no rail {row['rail']!r} "
                f"(its rails: {', '.join(r.name for r in node.rails) or 'none'})"
            )
        try:
            entries.append(CablingEntry(**row))
        except pydantic.ValidationError as exc:
            problem = exc.errors()[0]
            raise InventoryError(f"{where}:{line_no}: {'.'.join(map(str, problem['loc']))}: "
                                 f"{problem['msg'].removeprefix('Value error, ')}") from None
    return tuple(entries)


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        h.update(str(path.relative_to(root if root.is_dir() else root.parent)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class HostRecord:
    """One host as a loader found it, before validation: its groups (most specific first), its ``bringup_*``
    variables and its ``ansible_*`` connection variables, all plain Python."""

    name: str
    groups: tuple[str, ...]
    project: dict[str, Any]
    connection: dict[str, Any]


# locate(key, host, groups) -> "<file> (host|group <name>)": where a variable was set, for error messages.
Locate = Callable[[str, str, tuple[str, ...]], str]


def build_cluster(root: Path, hosts_file: str, records: list[HostRecord], locate: Locate,
                  design_override: str | None, digest: str, name: str | None = None,
                  cabling: Callable[[dict[str, Node], Path], tuple[CablingEntry, ...]] | None = None) -> Cluster:
    """Validate every host's variables with the schema and assemble the Cluster. Shared by the live loader
    (ansible) and the replay loader (a recorded resolved.json), so a recorded run passes the same checks."""
    if not records:
        raise InventoryError(f"{root}: the inventory defines no hosts")
    nodes: dict[str, Node] = {}
    for record in records:
        host, groups, project = record.name, record.groups, record.project
        problem = host_name_problem(host)
        if problem:
            raise InventoryError(f"{hosts_file}: host {host!r}: {problem}")
        unknown = sorted(k for k in project if k.removeprefix("bringup_") not in PROJECT_KEYS)
        if unknown:
            key = unknown[0]
            raise InventoryError(
                f"{locate(key, host, groups)}: unknown variable {key!r}; "
                f"expected one of: {', '.join('bringup_' + k for k in PROJECT_KEYS)}"
            )
        try:
            hv = HostVars(**{k.removeprefix("bringup_"): v for k, v in project.items()})
        except pydantic.ValidationError as exc:
            raise InventoryError(_format_validation_error(exc, lambda key: locate(key, host, groups))) from None
        try:
            design = get_design(design_override or hv.design)
        except UnknownDesign as exc:
            raise InventoryError(f"{locate('bringup_design', host, groups)}: bringup_design: {exc}") from None
        if hv.kubernetes:
            for inventory_host in hv.kubernetes.node_names:
                if host_name_problem(inventory_host):
                    raise InventoryError(f"{locate('bringup_kubernetes', host, groups)}: "
                                         f"bringup_kubernetes.node_names: key {inventory_host!r}: "
                                         f"{host_name_problem(inventory_host)}")
        nodes[host] = Node(
            name=host,
            groups=groups,
            connection=_connection(host, record.connection, lambda key: locate(key, host, groups)),
            design=design,
            profile=hv.profile,
            hardware=hv.hardware,
            fabric=hv.fabric,
            rails=tuple(hv.rails),
            frontend=hv.frontend,
            partition=hv.partition,
            expect=hv.expect.declared(),
            vars=project,
            nic_stack=hv.nic_stack,
            mpi=hv.mpi,
            slurm=hv.slurm,
            kubernetes=hv.kubernetes,
        )

    designs = {n.design.slug for n in nodes.values()}
    if len(designs) > 1:
        detail = ", ".join(f"{n.name}={n.design.slug}" for n in nodes.values())
        raise InventoryError(f"{root}: bringup_design differs between hosts ({detail}); one inventory is one design")
    first = next(iter(nodes.values()))

    plans = {n.vars.get("bringup_cabling_plan") for n in nodes.values()} - {None}
    if len(plans) > 1:
        raise InventoryError(f"{root}: bringup_cabling_plan differs between hosts: {sorted(plans)}")
    entries: tuple[CablingEntry, ...] = ()
    if plans and cabling is not None:
        entries = cabling(nodes, Path(plans.pop()))

    for node_name, peers in rail_peers(nodes.values()).items():
        nodes[node_name].rail_peers = peers
        nodes[node_name].peer_rails = {rail: nodes[peer].rail(rail) for rail, (peer, _) in peers.items()}
    for node in nodes.values():
        node.fleet = tuple(nodes)

    return Cluster(name=name or root.name, path=root, design=first.design, nodes=tuple(nodes.values()),
                   cabling=entries, digest=digest)


def load_inventory(name_or_path: str, design_override: str | None = None) -> Cluster:
    """A live inventory, through ansible-core (templating, group precedence, inventory plugins): the
    operator's own trusted input. A recorded run is read with :func:`load_recorded` instead."""
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
    records = []
    for host in hosts:
        name = _plain(host.name)  # ansible tags its strings; xdist can't serialise the tagged type
        groups = tuple(_plain(g.name) for g in sorted(host.get_groups(), key=lambda g: -g.depth))
        problem = host_name_problem(name)
        if problem:  # before templating anything for it
            raise InventoryError(f"{ansible_source(root)}: host {name!r}: {problem}")
        raw = manager.get_vars(host=host)
        templar = Templar(loader=loader, variables=raw)
        try:
            project = {k: _plain(templar.template(raw[k])) for k in raw if k.startswith("bringup_")}
            connection_vars = {k: _plain(templar.template(raw[k])) for k in raw if k.startswith("ansible_")}
        except AnsibleError as exc:
            raise InventoryError(f"{root} (host {host.name}): cannot template a variable: {exc.message}") from None
        records.append(HostRecord(name, groups, project, connection_vars))

    base = root if root.is_dir() else root.parent

    def cabling(nodes: dict[str, Node], plan: Path) -> tuple[CablingEntry, ...]:
        return load_cabling(plan if plan.is_absolute() else base / plan, nodes)

    return build_cluster(root, str(ansible_source(root)), records, locator.locate, design_override,
                         _digest(root), cabling=cabling)


# ---------------------------------------------------------------- a recorded run's inventory, read as data

RESOLVED_FILE = "resolved.json"
RESOLVED_FORMAT = 1


class _ResolvedHost(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    name: str
    groups: list[str]
    connection: dict[str, str | int | None]
    vars: dict[str, Any]


class _Resolved(pydantic.BaseModel):
    """The shape of ``inventory/resolved.json``; the values inside are checked by the inventory schema."""

    model_config = pydantic.ConfigDict(extra="forbid")

    format: Literal[1]
    name: str
    inventory: str
    digest: str
    design: str
    hosts: list[_ResolvedHost]
    cabling: list[list[str]]


def resolved_record(cluster: Cluster, redact: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """What a replay needs of the inventory, fully resolved (templates rendered, group precedence applied,
    validated) and redacted: per host its groups, the ``bringup_*`` variables the suites read and how it was
    reached (no key file, no ssh arguments: a replay connects to nothing), plus the cabling plan's rows.
    ``redact`` is the run's redactor (by key and by value); default: :func:`bringup.redaction.redact`."""
    if redact is None:
        from bringup.redaction import redact

    return {
        "format": RESOLVED_FORMAT,
        "name": cluster.name,
        "inventory": str(cluster.path),
        "digest": cluster.digest,
        "design": cluster.design.slug,
        "hosts": [{"name": n.name, "groups": list(n.groups),
                   "connection": {"ansible_connection": n.connection.kind, "ansible_host": n.connection.host,
                                  "ansible_port": n.connection.port, "ansible_user": n.connection.user},
                   "vars": redact(n.vars)} for n in cluster.nodes],
        "cabling": [CABLING_COLUMNS] + [[e.node, e.rail, e.leaf, e.port] for e in cluster.cabling],
    }


def write_resolved(cluster: Cluster, folder: Path, redact: Callable[[Any], Any] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RESOLVED_FILE
    path.write_text(json.dumps(resolved_record(cluster, redact), indent=1, sort_keys=False) + "\n")
    return path


def load_recorded(folder: Path, design_override: str | None = None) -> Cluster:
    """A recorded run's ``inventory/`` as data: ``resolved.json`` read with json and validated by the same
    schema as a live inventory. Nothing is templated, no inventory script or plugin runs, no file outside
    the folder is read. A run recorded before resolved.json existed falls back to :func:`load_recorded_yaml`.
    """
    folder = Path(folder)
    path = folder / RESOLVED_FILE
    if not path.is_file():
        return load_recorded_yaml(folder, design_override)
    try:
        data = _Resolved.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InventoryError(f"{path}: unreadable: {exc.strerror}") from None
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        raise InventoryError(f"{path}: not a resolved inventory bringup wrote: "
                             f"{'.'.join(map(str, first['loc'])) or 'file'}: {first['msg']}") from None
    records = [HostRecord(h.name, tuple(h.groups), h.vars, {k: v for k, v in h.connection.items() if v is not None})
               for h in data.hosts]

    def locate(key: str, host: str, groups: tuple[str, ...]) -> str:
        return f"{path} (host {host})"

    def cabling(nodes: dict[str, Node], plan: Path) -> tuple[CablingEntry, ...]:
        return cabling_entries(data.cabling, nodes, f"{path} (cabling)")

    return build_cluster(folder, str(path), records, locate, design_override or data.design, data.digest,
                         name=data.name, cabling=cabling)


def _read_yaml_data(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InventoryError(f"{path}: not readable as YAML: {getattr(exc, 'problem', None) or exc}") from None


def _vars_files(folder: Path, name: str) -> list[Path]:
    """group_vars/<name>.yml (or .yaml, or no extension) and group_vars/<name>/*.yml, as ansible reads them;
    symlinks are not followed out of the recorded folder."""
    found = [folder / f"{name}{ext}" for ext in (".yml", ".yaml", "")]
    files = [p for p in found if p.is_file() and not p.is_symlink()]
    if (folder / name).is_dir() and not (folder / name).is_symlink():
        files += [p for p in _yaml_files(folder / name) if not p.is_symlink()]
    return files


def load_recorded_yaml(folder: Path, design_override: str | None = None) -> Cluster:
    """A recorded inventory without resolved.json (recorded before it existed, or assembled from captures):
    hosts.yml, group_vars/ and host_vars/ read with yaml.safe_load and merged in ansible's precedence
    (inventory-file group vars by depth, group_vars/all, the other group_vars by depth, inventory-file host
    vars, host_vars). No templating: a ``{{ ... }}`` stays text and fails the schema where a value is typed.
    INI inventories and scripts are not read; such a run replays only with ``--inventory PATH``."""
    folder = Path(folder)
    hosts_file = next((folder / n for n in ("hosts.yml", "hosts.yaml") if (folder / n).is_file()), None)
    if hosts_file is None or hosts_file.is_symlink():
        raise InventoryError(f"{folder}: no {RESOLVED_FILE} (the run predates it) and no hosts.yml to read as "
                             f"data; replay it against an inventory you trust with --inventory PATH")
    data = _read_yaml_data(hosts_file)
    if not isinstance(data, dict):
        raise InventoryError(f"{hosts_file}: expected a YAML inventory (a mapping of groups)")
    depth: dict[str, int] = {"all": 0}
    group_vars: dict[str, dict] = {"all": {}}
    parents: dict[str, set[str]] = {}
    host_vars: dict[str, dict] = {}
    host_groups: dict[str, set[str]] = {}

    def walk(group: str, body: Any, level: int, trail: tuple[str, ...]) -> None:
        if group in trail:
            raise InventoryError(f"{hosts_file}: group {group!r} contains itself")
        if body is not None and not isinstance(body, dict):
            raise InventoryError(f"{hosts_file}: group {group!r}: expected a mapping with hosts/vars/children")
        body = body or {}
        depth[group] = max(depth.get(group, 0), level)
        group_vars.setdefault(group, {}).update(body.get("vars") or {})
        for host, hv in (body.get("hosts") or {}).items():
            host = str(host)
            host_vars.setdefault(host, {}).update(hv or {})
            host_groups.setdefault(host, set()).add(group)
        for child, child_body in (body.get("children") or {}).items():
            parents.setdefault(str(child), set()).add(group)
            walk(str(child), child_body, level + 1, trail + (group,))

    for group, body in data.items():
        walk(str(group), body, 0 if group == "all" else 1, ())

    for direct in host_groups.values():  # ansible puts a host that only `all` lists in `ungrouped`
        if direct == {"all"}:
            direct.add("ungrouped")
            depth.setdefault("ungrouped", 1)

    def ancestors(group: str) -> set[str]:
        found = {group, "all"}
        for parent in parents.get(group, ()):
            found |= ancestors(parent)
        return found

    records = []
    where: dict[tuple[str, str], str] = {}
    for host, direct in host_groups.items():
        groups = sorted(set().union(*(ancestors(g) for g in direct)), key=lambda g: (depth.get(g, 0), g))
        merged: dict[str, Any] = {}
        for group in groups:  # inventory-file group vars, shallow groups first
            merged.update(group_vars.get(group) or {})
        for group in ["all"] + [g for g in groups if g != "all"]:  # then group_vars/all, then the others
            for path in _vars_files(folder / "group_vars", group):
                content = _read_yaml_data(path) or {}
                merged.update(content if isinstance(content, dict) else {})
                for key in (content if isinstance(content, dict) else {}):
                    where[(host, key)] = f"{path} (group {group})"
        merged.update(host_vars.get(host) or {})
        for path in _vars_files(folder / "host_vars", host):
            content = _read_yaml_data(path) or {}
            merged.update(content if isinstance(content, dict) else {})
            for key in (content if isinstance(content, dict) else {}):
                where[(host, key)] = f"{path} (host {host})"
        project = {str(k): v for k, v in merged.items() if str(k).startswith("bringup_")}
        records.append(HostRecord(host, tuple(reversed(groups)), project, {}))

    def locate(key: str, host: str, groups: tuple[str, ...]) -> str:
        return where.get((host, key), f"{hosts_file} (host {host})")

    def cabling(nodes: dict[str, Node], plan: Path) -> tuple[CablingEntry, ...]:
        # Only the copy inside the recorded folder: a path elsewhere is the recording machine's, not data.
        local = folder / plan.name if plan.is_absolute() else folder / plan
        if not local.resolve().is_relative_to(folder.resolve()) or local.is_symlink():
            raise InventoryError(f"{folder}: bringup_cabling_plan {str(plan)!r} lies outside the recorded "
                                 f"inventory folder")
        return load_cabling(local, nodes)

    return build_cluster(folder, str(hosts_file), records, locate, design_override, _digest(folder),
                         cabling=cabling)
