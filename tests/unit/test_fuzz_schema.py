"""Hostile strings into every string field of the bringup_* schema and into host names (issue 9, item 11,
schema half). Each must be either rejected on load with an error naming the file and the key (or the host),
or inert: every probe command the accepted inventory produces is run under bash with nothing on PATH, so each
external command lands in ``command_not_found_handle``, which records its argv instead of running it. Inert
means: no injected command ran (no ``pwned`` call, no ``PWNED`` file), no command failed to parse, and no
value that starts with '-' reached a tool in an option's place (before ``--``).

The counts (tried / rejected with file and key / accepted and inert / executed / option injections) are
printed, for the issue's closing note. Bounded by ``max_examples`` and derandomized, so CI is repeatable.
"""

from __future__ import annotations

import shlex
import subprocess
import typing
from collections import Counter
from pathlib import Path

import pydantic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bringup.inventory import HostRecord, InventoryError, build_cluster
from bringup.model import HostVars
from bringup.probes import kubeapi, plan_for, registered_layers

HOSTS_FILE = "fuzz-inventory/hosts.yml"
VARS_FILE = "fuzz-inventory/group_vars/all.yml"

# A D-agnostic inventory that makes every probe family appear: rails with RDMA devices, addresses, PCI
# functions, GPUs and VFs; GPUs; a frontend; the mesh (traffic, mpirun, iperf); Slurm; the cluster API.
BASE: dict[str, typing.Any] = {
    "bringup_hardware": {"gpus": 2, "nics": 1},
    "bringup_rails": [{"name": "rail0", "netdev": "eth0", "rdma_device": "mlx5_0", "pci": "0000:17:00.0",
                       "gpu": 0, "table": 101, "mtu": 9000, "sriov_vfs": 4, "speed_mbps": 400000}],
    "bringup_frontend": {"netdev": "eno1"},
    "bringup_expect": {"traffic_checks": True, "ssh_mesh": True, "rail_bandwidth_gbps": 1, "slurm_mpi": "pmix"},
    "bringup_mpi": {"bundle_path": "/opt/ompi", "benchmarks_prefix": "/opt/bench"},
    "bringup_slurm": {"controller": "node01"},
    "bringup_kubernetes": {"kubeconfig": "~/.kube/config", "context": "prod", "node_names": {"node01": "gpu-01"}},
}
ADDRESSES = {"node01": "198.18.0.11/24", "node02": "198.18.0.12/24"}


def _model_of(annotation) -> type[pydantic.BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    return next((m for a in typing.get_args(annotation) if (m := _model_of(a))), None)


def _fields(model: type[pydantic.BaseModel], prefix: tuple) -> list[tuple]:
    """Every leaf of the schema as a path into the variables; lists and dicts get one hostile element."""
    paths = []
    for name, info in model.model_fields.items():
        sub, origin = _model_of(info.annotation), typing.get_origin(info.annotation)
        if sub is not None and "list" in str(info.annotation):
            paths += _fields(sub, prefix + (name, 0))
        elif sub is not None:
            paths += _fields(sub, prefix + (name,))
        elif "dict[" in str(info.annotation):
            paths += [prefix + (name, "node01"), prefix + (name, "<key>")]
        elif "list[" in str(info.annotation) or origin is list:
            paths.append(prefix + (name, 0))
        else:
            paths.append(prefix + (name,))
    return paths


FIELDS = [("host",)] + _fields(HostVars, ()) + [
    ("slurm", "controller"), ("os", "packages"), ("mpi", "mca", "btl_tcp_if_include"), ("mpi", "<key>")]

# Payload cores: each would run `pwned` (or write a PWNED file) if it reached a shell unquoted, or be an
# option if it reached a tool unguarded.
CORES = [";pwned;", "$(pwned)", "`pwned`", "|pwned", "&&pwned", "\npwned\n", "';pwned;'", "\";pwned;\"",
         "'\"$(pwned)\"'", "${IFS}pwned", ">PWNED", "-oProxyCommand=pwned", "--kubeconfig=PWNED", "-n",
         "../../../PWNED", "\x00pwned", "\u202epwned", "\\';pwned #", "*", "~/PWNED", "{{ lookup('pipe','pwned') }}",
         "%s%n", " ", ""]
PREFIXES = ["", "-", "--", "x", "node01", "../", "'", '"', "\\", "mlx5_0", "/opt/"]
hostile = st.one_of(
    st.builds(lambda p, c, s: p + c + s, st.sampled_from(PREFIXES), st.sampled_from(CORES),
              st.sampled_from(["", "x", "'", "\n", "-", ";"])),
    st.text(max_size=24),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "-", ";", "é"]), st.integers(300, 5000)),
)


def _set(data: dict, path: tuple, value) -> None:
    """Set ``value`` at ``path`` (a leaf of the schema) in the variables, creating what is missing."""
    key = "bringup_" + path[0]
    if len(path) == 1:
        data[key] = value
        return
    node = data.setdefault(key, {})
    if isinstance(path[1], int):  # a list field at the top (rails): its first element
        node = data[key] if isinstance(data[key], list) else [{}]
        data[key] = node
    for part in path[1:-1]:
        if isinstance(part, int):
            if not isinstance(node, list) or not node:
                node = [{}]
            node = node[0]
        else:
            if not isinstance(node.get(part), (dict, list)):
                node[part] = {} if not isinstance(path[path.index(part) + 1], int) else [{}]
            node = node[part]
    last = path[-1]
    if last == "<key>":
        node[value] = "x"
    elif isinstance(last, int):
        if isinstance(node, list):
            node[:] = [value]
    else:
        node[last] = value


def _records(design: str, path: tuple, value: str) -> list[HostRecord]:
    import copy

    records = []
    for name in ("node01", "node02"):
        data = copy.deepcopy(BASE)
        data["bringup_design"] = design
        data["bringup_rails"][0]["address"] = ADDRESSES[name]
        if path != ("host",):
            _set(data, path, value)
        host = value if path == ("host",) and name == "node01" else name
        records.append(HostRecord(host, ("all",), data, {}))
    return records


def _locate(key: str, host: str, groups) -> str:
    return f"{VARS_FILE} (host {host})"


def _commands(cluster) -> list[str]:
    commands = [p.command for n in cluster.nodes for layer in registered_layers() for p in plan_for(n, layer)]
    subject = kubeapi.subject(cluster)
    if subject is not None:
        commands += [p.command for p in kubeapi.plan(subject, list(cluster.nodes))]
    return commands


def _reaches_a_command(path: tuple) -> bool:
    """Whether a benign value in this field shows up in a probe command (for any design)."""
    for marker in ("zq1", "/zq1"):
        for design in ("D1", "D2", "D4"):
            try:
                cluster = build_cluster(Path("fuzz-inventory"), HOSTS_FILE, _records(design, path, marker), _locate,
                                        None, "0" * 16)
                if any("zq1" in c for c in _commands(cluster)):
                    return True
            except InventoryError:
                continue
    return False


# Half the examples go to the fields whose value reaches a probe command (host names, netdevs, RDMA devices,
# kubeconfig/context, node names, MPI paths...), so the inert half of the check is exercised, not only rejection.
REACHING = [path for path in FIELDS if _reaches_a_command(path)]

# One printf per call (the newline is its last argument): the two sides of a pipeline are recorded at once,
# and two appends per record could interleave.
HANDLER = 'command_not_found_handle() { printf "%s\\0" "$@" $\'\\n\' >> "$LOG"; return 0; }\n'


def _run_inert(commands: list[str], folder: Path) -> tuple[list[list[str]], list[str]]:
    """Every command under bash, PATH empty: each external call is recorded, none runs. Returns the calls
    and the commands bash could not parse."""
    log = folder / "calls"
    script = HANDLER + "".join(f"( eval {shlex.quote(c)} ) </dev/null >/dev/null 2>>\"$ERR\" || true\n"
                               for c in commands)
    env = {"PATH": "/nonexistent", "LOG": str(log), "ERR": str(folder / "stderr"), "HOME": str(folder)}
    (folder / "script.sh").write_text(script)  # a file: a long value would overflow one argv string
    subprocess.run(["/bin/bash", "script.sh"], cwd=folder, env=env, timeout=60, capture_output=True)
    text = log.read_text(errors="replace") if log.exists() else ""
    calls = [line.strip("\0").split("\0") for line in text.split("\0\n\0") if line.strip("\0")]
    errors = (folder / "stderr").read_text(errors="replace") if (folder / "stderr").exists() else ""
    return calls, [line for line in errors.splitlines() if "syntax error" in line or "unexpected EOF" in line]


def _option_injections(calls: list[list[str]], value: str) -> list[list[str]]:
    """Calls where the hostile value (starting with '-') stands where a tool reads options: not after `--`,
    and not as the value of a flag that always takes the next word (kubectl's --kubeconfig/--context)."""
    if not value.startswith("-"):
        return []
    bad = []
    for argv in calls:
        for i, word in enumerate(argv[1:], start=1):
            if word.startswith(value) and "--" not in argv[1:i] and argv[i - 1] not in ("--kubeconfig", "--context"):
                bad.append(argv)
    return bad


def test_hostile_strings_are_rejected_with_file_and_key_or_inert(tmp_path, record_property):
    counts: Counter = Counter()
    failures: list[str] = []
    # The commands of the unchanged inventory, per design: only the commands a hostile value changed are run.
    base = {d: set(_commands(build_cluster(Path("fuzz-inventory"), HOSTS_FILE, _records(d, ("design",), d),
                                           _locate, None, "0" * 16))) for d in ("D1", "D2", "D3", "D4", "D5")}

    @settings(max_examples=300, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(path=st.one_of(st.sampled_from(REACHING), st.sampled_from(FIELDS)), value=hostile,
           design=st.sampled_from(["D1", "D2", "D3", "D4", "D5"]))
    def one(path, value, design):
        counts["tried"] += 1
        try:
            cluster = build_cluster(Path("fuzz-inventory"), HOSTS_FILE, _records(design, path, value), _locate,
                                    None, "0" * 16)
            commands = _commands(cluster)
        except InventoryError as exc:
            message = str(exc)
            names_file = HOSTS_FILE in message or VARS_FILE in message or "fuzz-inventory" in message
            names_key = f"host {value!r}" in message if path == ("host",) else f"bringup_{path[0]}" in message
            if names_file and names_key:
                counts["rejected with file and key"] += 1
            else:
                failures.append(f"{path} {value!r}: rejected without naming file and key: {message}")
            return
        counts["accepted"] += 1
        changed = [c for c in commands if c not in base[design]]
        if not changed:
            counts["accepted, in no command"] += 1
            return
        counts["accepted, in a command (run)"] += 1
        folder = tmp_path / f"x{counts['tried']}"
        folder.mkdir()
        calls, syntax = _run_inert(changed, folder)
        executed = [c for c in calls if c[0] in ("pwned", "PWNED")] + \
            [str(p) for p in folder.rglob("*PWNED*")]
        injected = _option_injections(calls, value)
        counts["executed"] += bool(executed)
        counts["option injections"] += bool(injected)
        counts["syntax errors"] += bool(syntax)
        if executed or injected or syntax:
            failures.append(f"{path} {value!r}: executed {executed[:2]}, options {injected[:2]}, syntax {syntax[:2]}")

    one()
    # the base inventory still puts these values into commands
    assert {("host",), ("rails", 0, "netdev"), ("rails", 0, "rdma_device"), ("kubernetes", "kubeconfig"),
            ("kubernetes", "context")} <= set(REACHING), REACHING
    summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
    print(f"\nhostile strings: {summary}")  # shown with -s; also a property in --junitxml
    record_property("hostile_strings", summary)
    assert not failures, "\n".join(failures[:10])
    assert counts["tried"] == counts["rejected with file and key"] + counts["accepted"]
    assert counts["executed"] == 0 and counts["option injections"] == 0
    # Both outcomes occur, so neither half of the assertion is vacuous.
    assert counts["rejected with file and key"] > 0 and counts["accepted, in a command (run)"] > 0


def test_the_harness_sees_an_injection_and_an_option():
    """The inert check itself: an unquoted value runs `pwned`, an unguarded '-x' is an option."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        calls, syntax = _run_inert(["echo x;pwned;", "ssh -oProxyCommand=pwned true", "ssh -- -oX true", "a 'b"],
                                   Path(folder))
    assert ["pwned"] in calls
    assert _option_injections(calls, "-oProxyCommand=pwned") == [["ssh", "-oProxyCommand=pwned", "true"]]
    assert _option_injections(calls, "-oX") == []
    assert syntax  # the unbalanced quote
