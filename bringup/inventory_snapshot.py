"""The inventory copied into a run directory, redacted, so ``--replay`` needs nothing else.

What is copied, as Ansible would read it (docs: "Inventory plugins": yaml, ini; "Organizing host and group
variables"):

* YAML files (``.yml``/``.yaml``/``.json``, and extension-less files under ``host_vars``/``group_vars``):
  loaded, redacted by key and by value (:mod:`bringup.redaction`), written back. An inline ``!vault`` value
  keeps its key and loses its ciphertext; ``!unsafe`` keeps its text.
* INI inventories (``.ini``, or an extension-less file at the top that is not a YAML mapping): copied line
  by line, ``key=value`` pairs redacted in host lines and ``[group:vars]`` sections.
* the cabling plan (``.csv``), verbatim.

Never copied, each named in the returned warnings: symlinks (a link to /etc/shadow must not land in a
shared report; the snapshot never follows one), executables (inventory scripts: replay runs nothing),
anything that is not a regular file, and files we cannot parse (their secrets could be in any shape).
Vault-encrypted files are left out without a warning (they are expected; replay never decrypts).
Written files are 0644: everything in them is redacted.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
from pathlib import Path

import yaml

from bringup.redaction import REDACTED, Redactor

VARS_DIRS = ("host_vars", "group_vars")
YAML_SUFFIXES = (".yml", ".yaml", ".json")
MAX_BYTES = 16 * 1024 * 1024  # an inventory file larger than this is not an inventory file
FILE_MODE, DIR_MODE = 0o644, 0o755


class _InventoryLoader(yaml.SafeLoader):
    """SafeLoader plus Ansible's own tags: ``!vault`` (ciphertext, redacted) and ``!unsafe`` (plain text)."""


_InventoryLoader.add_constructor("!vault", lambda loader, node: REDACTED)
_InventoryLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def snapshot_inventory(source: Path, target: Path, redactor: Redactor | None = None) -> list[str]:
    """Copy the inventory at ``source`` (folder or file) to ``target``; return warnings for what was left out."""
    redactor = redactor or Redactor()
    source = Path(source).resolve()  # the inventory the user named; links inside it are never followed
    warnings: list[str] = []
    if source.is_file():  # hosts file: Ansible also reads the host_vars/group_vars beside it
        base = source.parent
        files = [source]
        for name in VARS_DIRS:
            folder = base / name
            if folder.is_symlink():
                warnings.append(_link_warning(folder))
            elif folder.is_dir():
                files += _walk(folder, warnings)
    else:
        base = source
        files = _walk(source, warnings)
    for path in files:
        relative = path.relative_to(base)
        try:
            raw = _read_regular(path)
        except _LeftOut as why:
            warnings.append(f"inventory snapshot: {path} not copied ({why})")
            continue
        if raw.startswith(b"$ANSIBLE_VAULT"):
            continue
        if relative.parts[0] not in VARS_DIRS and os.stat(path, follow_symlinks=False).st_mode & 0o111:
            # Ansible's script plugin would run it (docs: inventory script conventions); replay runs nothing.
            warnings.append(f"inventory snapshot: {path} not copied (executable: an inventory script)")
            continue
        try:
            content = _redacted(relative, raw, redactor)
        except _LeftOut as why:
            warnings.append(f"inventory snapshot: {path} not copied ({why})")
            continue
        if content is not None:
            _write(target, relative, content)
    return warnings


class _LeftOut(Exception):
    pass


def _walk(root: Path, warnings: list[str]) -> list[Path]:
    """Files under ``root``, sorted, never through a symlink; hidden entries (.git) are skipped."""
    found = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                warnings.append(_link_warning(here / name))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(names):
            if name.startswith(".") or name.endswith("~"):
                continue
            path = here / name
            if path.is_symlink():
                warnings.append(_link_warning(path))
                continue
            found.append(path)
    return found


def _link_warning(path: Path) -> str:
    return (f"inventory snapshot: {path} not copied (a symlink to {os.readlink(path)}; "
            f"the snapshot never follows links)")


def _read_regular(path: Path) -> bytes:
    # O_NOFOLLOW + fstat on the open descriptor: a file swapped for a link or a FIFO after the walk is refused.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise _LeftOut(exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _LeftOut("not a regular file")
        if info.st_size > MAX_BYTES:
            raise _LeftOut(f"larger than {MAX_BYTES} bytes")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_BYTES + 1)
    finally:
        os.close(fd)


def _kind(relative: Path, text: str) -> str | None:
    suffix = relative.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix == ".csv":
        return "verbatim"
    if suffix == ".ini":
        return "ini"
    if suffix == "" and relative.parts[0] in VARS_DIRS:
        return "yaml"
    if suffix == "" and len(relative.parts) == 1:  # Ansible tries the yaml plugin, then ini
        try:
            return "yaml" if isinstance(yaml.load(text, Loader=_InventoryLoader), dict) else "ini"
        except yaml.YAMLError:
            return "ini"
    return None  # README.md, notes.txt: not inventory, not copied


def _redacted(relative: Path, raw: bytes, redactor: Redactor) -> bytes | None:
    text = raw.decode("utf-8", errors="replace")
    kind = _kind(relative, text)
    if kind == "verbatim":
        return raw
    if kind == "ini":
        return ini_redacted(text, redactor).encode()
    if kind == "yaml":
        try:
            data = yaml.load(text, Loader=_InventoryLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise _LeftOut(f"not valid YAML{where}") from None
        data = redactor.data(data)
        if relative.suffix.lower() == ".json":
            return (json.dumps(data, indent=1, default=str) + "\n").encode()
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
    return None


def ini_redacted(text: str, redactor: Redactor) -> str:
    """An INI inventory with its ``key=value`` pairs redacted; lines without a secret are kept as they are.

    Host lines are split as Ansible splits them (shlex, comments allowed) and rejoined quoted; ``[x:vars]``
    lines are ``key = value`` with the value taken whole (Ansible's ini plugin, _parse_variable_definition).
    """
    out, in_vars = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            out.append(line)
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            in_vars = stripped.endswith(":vars]")
            out.append(line)
            continue
        out.append(_vars_line(stripped, redactor) if in_vars else _host_line(stripped, redactor))
    return "\n".join(out) + "\n"


def _vars_line(line: str, redactor: Redactor) -> str:
    if "=" not in line:
        return redactor.text(line)
    key, value = (part.strip() for part in line.split("=", 1))
    if redactor.is_secret(key):
        redactor.learn(value.strip("'\""))
        return f"{key}={REDACTED}"
    new = redactor.text(value)
    return line if new == value else f"{key}={new}"


def _host_line(line: str, redactor: Redactor) -> str:
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:  # unbalanced quotes: Ansible rejects the line too; keep it, redacted as text
        return redactor.text(line)
    changed, result = False, []
    for token in tokens:
        key, eq, value = token.partition("=")
        if eq and redactor.is_secret(key):
            redactor.learn(value)
            token, changed = f"{key}={REDACTED}", True
        elif eq:
            new = redactor.text(value)
            if new != value:
                token, changed = f"{key}={new}", True
        result.append(token)
    return " ".join(shlex.quote(t) for t in result) if changed else line


def _write(target: Path, relative: Path, content: bytes) -> None:
    dest = target / relative
    target.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for parent in reversed(relative.parents[:-1]):  # the folders between target and the file
        (target / parent).mkdir(mode=DIR_MODE, exist_ok=True)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # whatever the umask: nothing secret is left in it
        with os.fdopen(fd, "wb", closefd=False) as fh:
            fh.write(content)
    finally:
        os.close(fd)
