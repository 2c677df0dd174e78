"""The Debian packages the lab (and the node software the playbooks configure) needs on the host.

Lab nodes share the host's /usr and have no route to a package mirror, so software is installed once, here,
and a playbook's "package present" task then finds it installed. Two sources, so that nothing is listed twice:

* ``LAB_TOOLS``: what the lab itself runs (namespaces, veths, sshd, the switches' lldpd, each node's python);
* every package a role of the design's playbook will ask for on a lab node (:func:`role_packages`), read from
  the roles themselves: each ``ansible.builtin.package`` task's ``name`` and ``when`` (and those of the blocks,
  includes and roles around it) are evaluated with the lab's inventory variables, the role defaults and the
  facts a lab node has (no GPU, no ConnectX NIC). A role that adds a package needs no line here.

Missing packages (dpkg's status file says which) are installed with apt-get, and the command says which. A
node's package task that still reaches for the network is explained by :func:`no_network_hint` in
``bringup provision``'s report.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from bringup.lab.errors import LabError, run

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"

# command -> the Debian package that provides it: what the lab's own machinery runs.
LAB_TOOLS = {
    "ip": "iproute2",
    "tc": "iproute2",
    "ethtool": "ethtool",  # each rail's segmentation offloads off (faults.no_offload_argv)
    "nsenter": "util-linux",
    "unshare": "util-linux",
    "sshd": "openssh-server",
    "ssh": "openssh-client",
    "ssh-keygen": "openssh-client",
    "lldpd": "lldpd",  # the leaf switches announce themselves
    "ping": "iputils-ping",
    "/usr/bin/python3": "python3",  # each node's init, and ansible's interpreter on the nodes
    "/usr/lib/python3/dist-packages/apt": "python3-apt",  # ansible's apt module (package tasks) on the nodes
}
SBIN = ("/usr/sbin", "/sbin")
DPKG_STATUS = Path("/var/lib/dpkg/status")

# What a lab node's hw_facts role finds (bringup/lab/README.md: namespaces, veth rails, no devices).
LAB_FACTS: dict[str, Any] = {
    "hw_facts_connectx_pci": [],
    "hw_facts_mlx5_netdevs": [],
    "hw_facts_nvidia_gpus": 0,
    "hw_facts_nvswitches": 0,
    "hw_facts_systemd": False,
    "ansible_facts": {"packages": {}},  # so that every "install unless present" condition asks
    "ansible_check_mode": False,
}

_PACKAGE_MODULES = {"ansible.builtin.package", "package", "ansible.builtin.apt", "apt"}
_INCLUDE_TASKS = {"ansible.builtin.include_tasks", "include_tasks", "ansible.builtin.import_tasks", "import_tasks"}
_INCLUDE_ROLE = {"ansible.builtin.include_role", "include_role", "ansible.builtin.import_role", "import_role"}
_WHOLE_EXPRESSION = re.compile(r"^\s*\{\{(.*)\}\}\s*$", re.S)


@dataclass
class Asked:
    """The packages a design's roles ask for, and the package tasks whose condition could not be decided."""

    packages: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)


def _environment():
    import jinja2

    class Undefined(jinja2.ChainableUndefined):
        """As Ansible: ``bringup_os.packages | default([])`` works when ``bringup_os`` is not set, but an undefined
        value that is used (printed, iterated, tested) is an error, never an empty list."""

        __iter__ = __str__ = __len__ = __bool__ = __contains__ = __eq__ = __ne__ = __hash__ = \
            jinja2.Undefined._fail_with_undefined_error

    env = jinja2.Environment(undefined=Undefined)
    # The few Ansible filters and tests the roles' package expressions use.
    env.filters["difference"] = lambda a, b: [x for x in a if x not in list(b)]
    env.filters["flatten"] = lambda seq: [y for x in seq for y in (x if isinstance(x, (list, tuple)) else [x])]
    env.filters["extract"] = lambda key, container: container[key]
    env.filters["combine"] = lambda a, *more: {k: v for d in (a, *more) for k, v in d.items()}
    env.filters["bool"] = lambda v: v if isinstance(v, bool) else str(v).strip().lower() in ("1", "true", "yes", "on")
    env.tests["match"] = lambda value, pattern: re.match(pattern, str(value)) is not None
    return env


class _Vars:
    """Role defaults, evaluated on demand against the inventory and the lab facts (Ansible's lazy templating)."""

    def __init__(self, env, inventory: dict[str, Any], facts: dict[str, Any]):
        self.env, self.fixed, self.defaults, self.cache = env, {**facts, **inventory}, {}, {}

    def add_defaults(self, role: str) -> None:
        path = PLAYBOOKS / "roles" / role / "defaults" / "main.yml"
        if path.exists():
            for key, value in (yaml.safe_load(path.read_text()) or {}).items():
                self.defaults.setdefault(key, value)

    def value(self, raw: Any, depth: int = 0) -> Any:
        if isinstance(raw, list):
            return [self.value(v, depth) for v in raw]
        if isinstance(raw, dict):
            return {k: self.value(v, depth) for k, v in raw.items()}
        if not isinstance(raw, str) or "{{" not in raw:
            return raw
        if depth > 20:
            raise LabError(f"role defaults refer to each other in a loop: {raw[:80]!r}")
        names = self._names(raw, depth)
        whole = _WHOLE_EXPRESSION.match(raw)
        if whole and "{{" not in whole.group(1):
            return self.env.compile_expression(whole.group(1).strip(), undefined_to_none=False)(**names)
        return self.env.from_string(raw).render(**names)

    def test(self, condition: Any, depth: int = 0) -> bool:
        if isinstance(condition, bool):
            return condition
        return bool(self.env.compile_expression(str(condition), undefined_to_none=False)(
            **self._names(str(condition), depth)))

    def _names(self, text: str, depth: int) -> dict[str, Any]:
        """The variables ``text`` mentions, evaluated (the defaults among them recursively)."""
        found = {}
        code = re.sub(r"'[^']*'|\"[^\"]*\"", "", text)  # names, not words inside string literals
        for name in set(re.findall(r"(?<![.\w])[A-Za-z_]\w*", code)):  # nor attributes (bringup_os.packages)
            if name in self.fixed:
                found[name] = self.fixed[name]
            elif name in self.defaults:
                if name not in self.cache:
                    self.cache[name] = self.value(self.defaults[name], depth + 1)
                found[name] = self.cache[name]
        return found


def _when(task: dict[str, Any]) -> list[Any]:
    condition = task.get("when")
    return [] if condition is None else condition if isinstance(condition, list) else [condition]


def _package_tasks(role: str, tasks_file: str, conditions: list[Any], seen: set) -> Iterator[tuple[str, Any, list]]:
    """(where, package name expression, conditions) for each package task reachable from a role's tasks file."""
    path = PLAYBOOKS / "roles" / role / "tasks" / tasks_file
    if (role, tasks_file) in seen or not path.exists():
        return
    seen = seen | {(role, tasks_file)}
    yield from _walk(role, tasks_file, yaml.safe_load(path.read_text()) or [], conditions, seen)


def _walk(role: str, tasks_file: str, tasks: list, conditions: list, seen: set) -> Iterator[tuple[str, Any, list]]:
    for task in tasks:
        if not isinstance(task, dict):
            continue
        here = conditions + _when(task)
        if "block" in task:
            yield from _walk(role, tasks_file, task["block"], here, seen)
            continue
        if "loop" in task or "with_items" in task:
            continue  # a looped include runs with its loop variable; no package task sits behind one
        for module in _PACKAGE_MODULES & task.keys():
            yield f"role {role} ({tasks_file}) task {task.get('name', module)!r}", task[module].get("name"), here
        for module in _INCLUDE_TASKS & task.keys():
            target = task[module] if isinstance(task[module], str) else task[module].get("file", "")
            yield from _package_tasks(role, target, here, seen)
        for module in _INCLUDE_ROLE & task.keys():
            yield from _role(task[module]["name"], task[module].get("tasks_from", "main") + ".yml", here, seen)


def _role(role: str, tasks_file: str, conditions: list, seen: set) -> Iterator[tuple[str, Any, list]]:
    meta = PLAYBOOKS / "roles" / role / "meta" / "main.yml"
    for dependency in ((yaml.safe_load(meta.read_text()) or {}).get("dependencies") or []) if meta.exists() else []:
        name = dependency["role"] if isinstance(dependency, dict) else dependency
        yield from _package_tasks(name, "main.yml", conditions, seen)
    yield from _package_tasks(role, tasks_file, conditions, seen)


def _roles(design_slug: str) -> list[str]:
    plays = yaml.safe_load((PLAYBOOKS / f"{design_slug}.yml").read_text()) or []
    return [r["role"] if isinstance(r, dict) else r for play in plays for r in play.get("roles", [])]


def role_packages(design_slug: str, inventory: dict[str, Any], facts: dict[str, Any] | None = None) -> Asked:
    """Every Debian package the design's playbook asks for on a lab node with these inventory variables."""
    values = _Vars(_environment(), inventory, LAB_FACTS if facts is None else facts)
    roles = _roles(design_slug)
    for role in roles:
        values.add_defaults(role)
        meta = PLAYBOOKS / "roles" / role / "meta" / "main.yml"
        for dependency in ((yaml.safe_load(meta.read_text()) or {}).get("dependencies") or []) if meta.exists() else []:
            values.add_defaults(dependency["role"] if isinstance(dependency, dict) else dependency)
    asked, seen = Asked(), set()
    for role in roles:
        for where, name, conditions in _role(role, "main.yml", [], seen):
            try:
                if not all(values.test(c) for c in conditions):
                    continue
                names = values.value(name)
            except Exception as exc:  # jinja2's UndefinedError, TemplateError, a LabError: say which task
                asked.undecided.append(f"{where}: {type(exc).__name__}: {exc}")
                continue
            for package in [names] if isinstance(names, str) else names or []:
                if package not in asked.packages:
                    asked.packages.append(str(package))
    return asked


def installed(status_text: str) -> set[str]:
    """The packages dpkg's status file (``/var/lib/dpkg/status``: one stanza per package, blank-line separated)
    says are installed. dpkg's view, not a command's presence: a role's package task asks dpkg (ansible's
    package_facts), so a binary copied onto PATH by hand would not make its task report ``ok``."""
    found = set()
    for stanza in status_text.split("\n\n"):
        name = re.search(r"^Package: (\S+)$", stanza, re.M)
        if name and re.search(r"^Status: install ok installed$", stanza, re.M):
            found.add(name.group(1))
    return found


_STATUS_CACHE: dict[str, tuple[float, set[str]]] = {}


def _installed_now(path: Path) -> set[str]:
    if not path.exists():
        return set()  # no dpkg database: nothing counts as installed
    mtime = path.stat().st_mtime
    cached = _STATUS_CACHE.get(str(path))
    if cached is None or cached[0] != mtime:
        _STATUS_CACHE[str(path)] = (mtime, installed(path.read_text(errors="replace")))
    return _STATUS_CACHE[str(path)][1]


def wanted(design: str | None = None, inventory: dict[str, Any] | None = None) -> list[str]:
    """Every package the lab needs on the host, in a stable order: the lab's own tools, then what the design's
    roles ask for (a package task whose condition cannot be decided is named on stderr and left out)."""
    names = list(dict.fromkeys(LAB_TOOLS.values()))
    if design is not None:
        asked = role_packages(design, inventory or {})
        for line in asked.undecided:
            print(f"bringup lab: cannot tell whether a lab node needs this package task, not installing it: {line}",
                  file=sys.stderr)
        names += [p for p in asked.packages if p not in names]
    return names


def missing(design: str | None = None, inventory: dict[str, Any] | None = None,
            status: Path | None = None) -> list[str]:
    """What :func:`wanted` names and dpkg's status file (default :data:`DPKG_STATUS`) does not list as
    installed, sorted."""
    have = _installed_now(DPKG_STATUS if status is None else status)
    return sorted(p for p in wanted(design, inventory) if p not in have)


def ensure(install: bool = True, design: str | None = None, inventory: dict[str, Any] | None = None) -> list[str]:
    """Install what is missing (the lab's tools, and the design's role packages when ``design`` is given, with the
    lab inventory's variables); returns the packages installed."""
    packages = missing(design, inventory)
    if not packages:
        return []
    if not install:
        raise LabError(f"missing Debian packages: {' '.join(packages)} (apt-get install {' '.join(packages)})")
    if shutil.which("apt-get") is None:
        raise LabError(f"missing packages {' '.join(packages)} and no apt-get to install them; install them first")
    print(f"bringup lab: installing missing Debian packages: {' '.join(packages)}", file=sys.stderr)
    env_cmd = ["env", "DEBIAN_FRONTEND=noninteractive"]
    run(env_cmd + ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
        what="installing lab packages", timeout=900)
    return packages


# A lab node's failed package task: apt on the node tried to download (no route to a mirror). apt's own words
# for that (recorded: tests/fixtures/ansible_runner_events/lab_apt_no_network.jsonl). A package Debian does not
# have ("No package matching ...": the node reads the host's package lists) is another failure, left as it is.
_NO_NETWORK = re.compile(r"Unable to fetch some archives|Failed to fetch|Temporary failure resolving|"
                         r"Could not resolve")


def failed_packages(result: dict[str, Any]) -> list[str]:
    """The packages a failed package task asked for, from its result's ``invocation.module_args.name``."""
    names = ((result.get("invocation") or {}).get("module_args") or {}).get("name") or []
    return [str(n) for n in ([names] if isinstance(names, str) else names)]


def no_network_hint(result: dict[str, Any]) -> str | None:
    """The line that says why a lab node's package task failed and what to do, or None when the failure is
    something else. ``result`` is the task's result (ansible-runner's ``event_data.res``)."""
    text = " ".join(str(result.get(key) or "") for key in ("msg", "stderr", "stdout"))
    if not _NO_NETWORK.search(text):
        return None
    names = " ".join(failed_packages(result)) or "the task's packages"
    return f"lab nodes have no network: install {names} on the host (bringup lab up does this)"
