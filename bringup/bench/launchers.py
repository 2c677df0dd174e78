"""A planned benchmark case -> how to launch it (issue 10 item 3): pure functions, no I/O.

Each function returns a :class:`Launch`: the argv to run (a list: every inventory value one element, never a
shell string), the files the runner writes first (the mpirun hostfile), the manifest for an MPIJob, the node
the command runs on and the environment the benchmark gets. The design picks the launcher (layers.md §3, L15):

- D4: Open MPI ``mpirun`` with a hostfile over the ssh mesh (:func:`mpirun_launch`)::

    mpirun -np 16 --hostfile hostfile --map-by ppr:8:node --bind-to numa --mca pml ucx
      --mca oob_tcp_if_include enp75s0f0np0 --mca btl_tcp_if_include enp75s0f0np0
      -x NCCL_IB_HCA==mlx5_0:1,...,mlx5_7:1 -x NCCL_IB_TC=106 ... /opt/bringup/bench/src/nccl-tests/build/all_reduce_perf -b 8 ...

- D2, and D5's Slurm nodes: ``srun`` (:func:`srun_launch`); D1, D3 and D5's Kubernetes nodes: a kubeflow
  v2beta1 MPIJob (:func:`mpijob_manifest`, applied by :mod:`bringup.bench.mpijob`).
- perftest and iperf3 are client/server pairs started over ssh on the hosts (:func:`pair_launch`).

The environment contract (layers.md L13, §1.1) comes from the inventory: ``NCCL_IB_HCA`` (the rails' RDMA
devices), ``NCCL_IB_GID_INDEX`` (``bringup_expect.roce_gid_index`` when declared; NCCL >= 2.21 picks the RoCE
v2 GID itself), ``NCCL_IB_TC`` (= ``bringup_fabric.tos``), ``NCCL_SOCKET_IFNAME`` (``bringup_frontend``),
``UCX_NET_DEVICES`` (the rails' devices for the MPI point-to-point path), plus the case's own (``NCCL_ALGO``).
"""

from __future__ import annotations

import hashlib
import math
import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bringup import expect
from bringup.bench.catalogue import Case, Catalogue, default as default_catalogue

if TYPE_CHECKING:
    from bringup.inventory import Node
    from bringup.model import Rail

MPI_TOOLS = frozenset({"nccl-tests", "osu", "netpipe"})
PAIR_TOOLS = frozenset({"perftest", "iperf3"})
# layers.md L15 D4 launch gate: `--bind-to numa --mca pml ucx`; bringup_mpi.bind_to / .pml override.
DEFAULT_BIND = "numa"
DEFAULT_PML = "ucx"
# A ConnectX PCI function exposes one port, numbered 1 (`ibv_devinfo`: "port: 1"); NCCL_IB_HCA and
# UCX_NET_DEVICES name it as <device>:<port>.
IB_PORT = 1
# perftest's own default port and iperf3's; one port per rail index.
PORT_BASE = {"perftest": 18515, "iperf3": 5201}
# kubeflow mpi-operator v2beta1 (github.com/kubeflow/mpi-operator, v2 docs) and DraNet's DRA objects
# (shared/reference/dranet-mpi-operator.md); layers.md L14: "DRA API is resource.k8s.io/v1" [S39].
MPIJOB_API = "kubeflow.org/v2beta1"
DRA_API = "resource.k8s.io/v1"
DRANET_DEVICE_CLASS = "dranet-rdma-for-mpi"  # the reference note's DeviceClass name
MULTUS_ANNOTATION = "k8s.v1.cni.cncf.io/networks"
POD_SOCKET_IFNAME = "eth0"  # a pod's primary (cluster network) interface under every common CNI
HOSTNAME_LABEL = "kubernetes.io/hostname"

_HOST = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_IFNAME = re.compile(r"^[A-Za-z0-9_.@-]+$")  # quoted into a CEL string: nothing that needs escaping


class LaunchError(ValueError):
    """The inventory cannot launch this case; the message names the node, rail or key."""


@dataclass(frozen=True)
class Launch:
    """How one case runs. ``argv`` runs on ``run_on`` after the runner wrote ``files`` (name -> content,
    relative to the command's working directory). A pair launch starts ``server_argv`` on ``server_on`` first.
    An MPIJob launch carries its ``manifest`` (``argv`` is then the launcher pod's command)."""

    kind: str  # mpirun | srun | mpijob | pair
    argv: list[str]
    run_on: str
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    manifest: dict[str, Any] | None = None
    timeout_s: int = 0
    server_argv: list[str] | None = None
    server_on: str | None = None

    def shell(self) -> str:
        """The command line for a transport that takes one string (ssh): each word quoted."""
        return shlex.join(self.argv)

    def server_shell(self) -> str | None:
        return shlex.join(self.server_argv) if self.server_argv else None


# ---------------------------------------------------------------------------------------------------- helpers

def _host(name: str) -> str:
    """A host name as an argv element: never an option, never two hosts."""
    if not _HOST.match(name):
        raise LaunchError(f"host name {name!r} cannot be passed to a launcher (a leading '-', a comma, "
                          f"whitespace or another character outside [A-Za-z0-9_.-])")
    return name


def _mpi(node: "Node") -> dict[str, Any]:
    return node.mpi.model_dump(exclude_none=True)


def _ranks_per_node(case: Case, nodes: list["Node"]) -> int:
    if case.ranks_per_node != "gpus":
        return int(case.ranks_per_node)
    counts = {n.name: n.hardware.gpus for n in nodes}
    if any(not c for c in counts.values()):
        raise LaunchError(f"{case.id} runs one rank per GPU; inventory declares no GPUs for "
                          f"{', '.join(n for n, c in counts.items() if not c)}")
    if len(set(counts.values())) > 1:
        raise LaunchError(f"{case.id} runs one rank per GPU, but the nodes differ: "
                          f"{', '.join(f'{n}={c}' for n, c in counts.items())}")
    return int(next(iter(counts.values())))


def _one_rail(node: "Node") -> "Rail":
    """The rail a one-NIC figure is measured on: the one serving GPU 0, else the first RDMA rail."""
    rdma = [r for r in node.rails if r.rdma_device]
    if not rdma:
        raise LaunchError(f"inventory declares no RDMA rail (rdma_device) for {node.name}")
    return next((r for r in rdma if r.gpu == 0), rdma[0])


def case_rails(case: Case, nodes: list["Node"], rail: str | None = None) -> list[str]:
    """Names of the rails a case uses: the given one (rail-pair scope), one, or every RDMA rail."""
    if rail is not None:
        for node in nodes:
            if rail not in {r.name for r in node.rails}:
                raise LaunchError(f"{node.name} has no rail {rail!r}")
        return [rail]
    if case.rails == "one":
        return [_one_rail(nodes[0]).name]
    return [r.name for r in nodes[0].rails if r.rdma_device]


def rail_devices(nodes: list["Node"], rails: list[str]) -> list[str]:
    """The RDMA device of each rail, identical on every node (one exported value serves every rank)."""
    devices = []
    for name in rails:
        seen = {n.name: n.rail(name).rdma_device for n in nodes}
        if None in seen.values():
            raise LaunchError(f"inventory declares no rdma_device for {name} on "
                              f"{', '.join(n for n, d in seen.items() if d is None)}")
        if len(set(seen.values())) > 1:
            raise LaunchError(f"{name} is {', '.join(f'{d} on {n}' for n, d in seen.items())}: one "
                              f"NCCL_IB_HCA/UCX_NET_DEVICES value cannot pin it on every node")
        devices.append(next(iter(seen.values())))
    return devices


def _frontend(nodes: list["Node"]) -> str | None:
    """One interface spec for every node's bootstrap NIC: the shared netdev name, else None."""
    names = {n.frontend.netdev if n.frontend else None for n in nodes}
    if names == {None}:
        return None
    if None in names:
        raise LaunchError(f"bringup_frontend is declared on some nodes only (missing on "
                          f"{', '.join(n.name for n in nodes if not n.frontend)})")
    if len(names) > 1:
        raise LaunchError(f"bringup_frontend.netdev differs between nodes "
                          f"({', '.join(f'{n.name}={n.frontend.netdev}' for n in nodes)}): one "
                          f"NCCL_SOCKET_IFNAME / oob_tcp_if_include value cannot name them all")
    return names.pop()


def _rail_gpu(nodes: list["Node"], rails: list[str]) -> int | None:
    """The GPU next to a single pinned rail, when every node declares the same one."""
    if len(rails) != 1:
        return None
    gpus = {n.rail(rails[0]).gpu for n in nodes}
    return gpus.pop() if len(gpus) == 1 and None not in gpus else None


def contract_env(case: Case, nodes: list["Node"], rail: str | None = None, *, pod: bool = False) -> dict[str, str]:
    """The environment a case runs with, from the inventory (module docstring), then the case's own.

    In a pod (``pod=True``) the RDMA devices are the ones the pod was given (VFs, or DraNet's NICs) under
    names the inventory does not know, so NCCL_IB_HCA/UCX_NET_DEVICES stay unset: the allocation pins them."""
    first = nodes[0]
    env: dict[str, str] = {}
    rails = case_rails(case, nodes, rail) if (case.needs.rdma or rail) else []
    devices = rail_devices(nodes, rails) if rails and any(first.rail(r).rdma_device for r in rails) else []
    if case.tool == "nccl-tests":
        if devices and not pod:
            # "=": exact names, so mlx5_1 does not also select mlx5_10 (NCCL env docs, NCCL_IB_HCA).
            env["NCCL_IB_HCA"] = "=" + ",".join(f"{d}:{IB_PORT}" for d in devices)
        gid = first.expect.get("roce_gid_index")
        if gid is not None:
            env["NCCL_IB_GID_INDEX"] = str(int(gid))
        if first.fabric.tos is not None:
            env["NCCL_IB_TC"] = str(first.fabric.tos)
        if pod:
            env["NCCL_SOCKET_IFNAME"] = "=" + str(_mpi(first).get("pod_socket_ifname") or POD_SOCKET_IFNAME)
        elif (frontend := _frontend(nodes)) is not None:
            env["NCCL_SOCKET_IFNAME"] = "=" + frontend
    if case.tool in MPI_TOOLS and devices and not pod:
        env["UCX_NET_DEVICES"] = ",".join(f"{d}:{IB_PORT}" for d in devices)
    env.update(case.env)
    return env


def _command(case: Case, nodes: list["Node"], rails: list[str], binary: str) -> list[str]:
    """The benchmark itself; one pinned rail also pins its GPU (``env CUDA_VISIBLE_DEVICES=<gpu>``: srun's
    GRES plugin overwrites an exported CUDA_VISIBLE_DEVICES, ``env`` in the step's argv does not)."""
    gpu = _rail_gpu(nodes, rails) if case.needs.gpus and case.scope == "rail-pair" else None
    pin = ["env", f"CUDA_VISIBLE_DEVICES={gpu}"] if gpu is not None else []
    return pin + [binary, *case.args]


def _check(case: Case, nodes: list["Node"]) -> None:
    if case.tool not in MPI_TOOLS:
        raise LaunchError(f"{case.id}: {case.tool} is a client/server pair, launched by pair_launch")
    if not nodes:
        raise LaunchError(f"{case.id}: no nodes")
    for node in nodes:
        _host(node.name)


# ---------------------------------------------------------------------------------------------------- mpirun

def _tcp_rails(nodes: list["Node"]) -> str | None:
    """Where MPI's TCP traffic belongs on rails without RDMA (the lab): the rails, as the mpi_stack role's
    default ``btl_tcp_if_include`` puts it (playbooks/roles/mpi_stack/defaults/main.yml); by name when every
    node names them alike, else by the rails' networks (Open MPI takes CIDRs there too)."""
    rails = [n.rails for n in nodes]
    if not all(rails) or any(r.rdma_device for rs in rails for r in rs):
        return None
    names = {tuple(r.netdev for r in rs) for rs in rails}
    if len(names) == 1:
        return ",".join(names.pop())
    networks = {tuple(str(r.address.network) if r.address else "" for r in rs) for rs in rails}
    if len(networks) == 1 and "" not in next(iter(networks)):
        return ",".join(networks.pop())
    raise LaunchError("rails without RDMA differ in name and network between nodes: no one btl_tcp_if_include")


def mca_params(nodes: list["Node"]) -> dict[str, str]:
    """The MCA parameters on the mpirun line: the PML (layers.md L15 D4: ucx), the out-of-band wire-up on
    the bootstrap NIC (layers.md L9), the TCP BTL on the rails where they carry MPI over TCP (else on the
    bootstrap NIC: with RDMA rails UCX carries the ranks' traffic); then ``bringup_mpi.mca``, which wins,
    as in the openmpi-mca-params.conf the mpi_stack role writes from it."""
    mpi = _mpi(nodes[0])
    params = {"pml": str(mpi.get("pml") or DEFAULT_PML)}
    frontend = _frontend(nodes)
    if frontend is not None:
        params["oob_tcp_if_include"] = frontend
    tcp = _tcp_rails(nodes) or frontend
    if tcp is not None:
        params["btl_tcp_if_include"] = tcp
    for key, value in (mpi.get("mca") or {}).items():
        if not re.fullmatch(r"[a-z0-9_]+", str(key)):
            raise LaunchError(f"bringup_mpi.mca: {key!r} is not an MCA parameter name")
        params[str(key)] = str(value)
    return params


def mpirun_launch(case: Case, nodes: list["Node"], env: dict[str, str] | None = None, *, rail: str | None = None,
                  catalogue: Catalogue | None = None, hostfile: str = "hostfile") -> Launch:
    """Open MPI's mpirun from the first node, ranks placed by a hostfile (layers.md L15, D4)."""
    _check(case, nodes)
    catalogue = catalogue or default_catalogue()
    env = contract_env(case, nodes, rail) if env is None else env
    ppn = _ranks_per_node(case, nodes)
    mpi = _mpi(nodes[0])
    argv = ["mpirun", "-np", str(ppn * len(nodes)), "--hostfile", hostfile, "--map-by", f"ppr:{ppn}:node",
            "--bind-to", str(mpi.get("bind_to") or DEFAULT_BIND)]
    if mpi.get("allow_run_as_root"):
        # Open MPI refuses root unless told (the lab runs as root); declared, never assumed.
        argv.insert(1, "--allow-run-as-root")
    for key, value in mca_params(nodes).items():
        argv += ["--mca", key, value]
    for key, value in env.items():
        argv += ["-x", f"{key}={value}"]
    rails = case_rails(case, nodes, rail) if (case.needs.rdma or rail) else []
    argv += _command(case, nodes, rails, catalogue.binary_path(case, nodes[0]))
    files = {hostfile: "".join(f"{n.name} slots={ppn}\n" for n in nodes)}
    return Launch("mpirun", argv, nodes[0].name, dict(env), files, timeout_s=case.timeout_s)


# ---------------------------------------------------------------------------------------------------- srun

def _slurm(node: "Node") -> dict[str, Any]:
    return node.slurm


def srun_launch(case: Case, nodes: list["Node"], env: dict[str, str] | None = None, *, rail: str | None = None,
                catalogue: Catalogue | None = None) -> Launch:
    """``srun`` on exactly these nodes (D2, D5's Slurm side; layers.md L15 launch gate).

    The values travel in srun's own environment and ``--export=ALL,NAME,...`` names them: srun splits
    ``--export`` at commas (srun(1), --export), so a value such as NCCL_IB_HCA's device list cannot be given
    there. ``env K=V ... srun`` keeps each value one argv element."""
    _check(case, nodes)
    catalogue = catalogue or default_catalogue()
    env = contract_env(case, nodes, rail) if env is None else env
    ppn = _ranks_per_node(case, nodes)
    first = nodes[0]
    argv = ["env", *(f"{k}={v}" for k, v in env.items()), "srun", "-N", str(len(nodes)),
            "-w", ",".join(n.name for n in nodes), f"--ntasks-per-node={ppn}"]
    if case.needs.gpus:
        # The whole node's GPUs: benchmarks on one node never overlap, and a pinned rail's GPU must be there.
        argv.append(f"--gpus-per-node={first.hardware.gpus}")
    plugin = _slurm(first).get("mpi_default") or first.expect.get("slurm_mpi")
    if plugin:
        argv.append(f"--mpi={plugin}")
    partition = _slurm(first).get("partition")
    if partition:
        argv += ["-p", str(partition)]
    argv += ["-t", str(max(1, math.ceil(case.timeout_s / 60)))]
    argv.append("--export=" + ",".join(["ALL", *env]))
    rails = case_rails(case, nodes, rail) if (case.needs.rdma or rail) else []
    argv += _command(case, nodes, rails, catalogue.binary_path(case, first))
    return Launch("srun", argv, first.name, dict(env), timeout_s=case.timeout_s)


# ---------------------------------------------------------------------------------------------------- MPIJob

def job_name(case: Case, nodes: list["Node"], rail: str | None = None) -> str:
    """A DNS-1123 name, short enough for ``<name>-worker-<n>`` pods (63), unique per case and subject."""
    subject = "+".join(n.name for n in nodes) + (f":{rail}" if rail else "")
    digest = hashlib.sha256(f"{case.id}@{subject}".encode()).hexdigest()[:8]
    stem = re.sub(r"[^a-z0-9-]+", "-", case.id.lower()).strip("-")[:30].strip("-")
    return f"bench-{stem}-{digest}"


def _k8s(node: "Node"):
    from bringup.model import Kubernetes

    return node.kubernetes or Kubernetes()


def _sriov(nodes: list["Node"]) -> bool:
    return nodes[0].design.sriov or any(r.sriov_vfs for n in nodes for r in n.rails)


def _sriov_resources(nodes: list["Node"], rails: list[str]) -> tuple[dict[str, int], list[str]]:
    """D1: one VF per rail, as ``<prefix>/<resourceName>`` limits plus the Multus networks annotation."""
    from bringup.probes.kubeapi import DEFAULTS

    config = _k8s(nodes[0])
    prefix = config.resource_prefix or DEFAULTS[config.operator][1]
    declared = _mpi(nodes[0]).get("sriov_networks") or {}
    limits, networks = {}, []
    for name in rails:
        resource = config.resources.get(name)
        if not resource:
            raise LaunchError(f"bringup_kubernetes.resources.{name}: no SR-IOV resourceName declared for {name}; "
                              f"a worker cannot ask for its VF")
        limits[f"{prefix}/{resource}"] = 1
        # The SriovNetwork (its NetworkAttachmentDefinition) for the rail: bringup_mpi.sriov_networks, else
        # the resource name as a DNS label (resourceName allows '_', object names do not).
        networks.append(str(declared.get(name) or resource.replace("_", "-").lower()))
    return limits, networks


def _dra_template(nodes: list["Node"], rails: list[str], name: str, api: str) -> dict[str, Any]:
    """D3: a DraNet ResourceClaimTemplate asking for each rail's NIC by its host interface name."""
    device_class = str(_mpi(nodes[0]).get("dra_device_class") or DRANET_DEVICE_CLASS)
    requests = []
    for rail in rails:
        netdevs = {n.rail(rail).netdev for n in nodes}
        if len(netdevs) > 1:
            raise LaunchError(f"{rail} is {', '.join(sorted(netdevs))} on different nodes: one claim template "
                              f"cannot select it everywhere")
        netdev = netdevs.pop()
        if not _IFNAME.match(netdev):
            raise LaunchError(f"{rail} netdev {netdev!r} cannot be quoted into a DraNet CEL selector")
        selector = [{"cel": {"expression": f'device.attributes["dra.net"].ifName == "{netdev}"'}}]
        request_name = re.sub(r"[^a-z0-9-]+", "-", rail.lower()).strip("-") or "rail"
        if api.endswith("/v1beta1"):
            requests.append({"name": request_name, "deviceClassName": device_class, "selectors": selector})
        else:  # v1beta2 and v1 moved the class and selectors under `exactly`
            requests.append({"name": request_name,
                             "exactly": {"deviceClassName": device_class, "selectors": selector}})
    return {"apiVersion": api, "kind": "ResourceClaimTemplate",
            "metadata": {"name": name, "namespace": _namespace(nodes[0])},
            "spec": {"spec": {"devices": {"requests": requests}}}}


def _namespace(node: "Node") -> str:
    return str(_mpi(node).get("namespace") or "default")


def kubectl_host(node: "Node") -> str:
    """Where kubectl runs: ``bringup_kubernetes.kubectl_host``, else the controller (where pytest runs)."""
    return _k8s(node).kubectl_host or "controller"


def mpijob_manifest(case: Case, nodes: list["Node"], env: dict[str, str] | None = None, *,
                    rail: str | None = None, image: str | None = None, name: str | None = None,
                    catalogue: Catalogue | None = None) -> dict[str, Any]:
    """A ``v1 List``: the MPIJob, preceded by its DraNet ResourceClaimTemplate on a non-SR-IOV cluster.

    One worker per node, pinned by hostname and kept apart by anti-affinity; ``slotsPerWorker`` ranks each.
    The launcher runs ``mpirun`` (the operator writes the hostfile) with the contract env on its container,
    exported to the ranks with ``-x NAME``."""
    _check(case, nodes)
    catalogue = catalogue or default_catalogue()
    first = nodes[0]
    image = image or _mpi(first).get("image")
    if not image:
        raise LaunchError(f"bringup_mpi.image: no container image declared for {first.name}: an MPIJob needs "
                          f"one holding {case.tool}")
    env = contract_env(case, nodes, rail, pod=True) if env is None else env
    ppn = _ranks_per_node(case, nodes)
    name = name or job_name(case, nodes, rail)
    namespace = _namespace(first)
    rails = case_rails(case, nodes, rail) if (case.needs.rdma or rail) else []
    config = _k8s(first)
    hosts = [config.node_names.get(n.name, n.name) for n in nodes]
    prefix = str(_mpi(first).get("image_benchmarks_prefix") or "") or None
    binary = catalogue.binary_path(case, first) if prefix is None else \
        (catalogue.tools.get(case.tool) or "{binary}").format(prefix=prefix, binary=case.binary)
    mpi = _mpi(first)
    command = ["mpirun", "-np", str(ppn * len(nodes)), "--map-by", f"ppr:{ppn}:node",
               "--bind-to", str(mpi.get("bind_to") or DEFAULT_BIND), "--mca", "pml", str(mpi.get("pml") or DEFAULT_PML)]
    for key in env:
        command += ["-x", key]
    command += [binary, *case.args]

    limits: dict[str, Any] = {}
    if case.needs.gpus:
        limits["nvidia.com/gpu"] = ppn
    worker_meta: dict[str, Any] = {"labels": {"bringup.io/job": name, "bringup.io/role": "worker"}}
    worker_spec: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    if rails and _sriov(nodes):
        vf_limits, networks = _sriov_resources(nodes, rails)
        limits.update(vf_limits)
        worker_meta["annotations"] = {MULTUS_ANNOTATION: ",".join(networks)}
    elif rails:
        template = _dra_template(nodes, rails, f"{name}-rdma", str(mpi.get("dra_api") or DRA_API))
        items.append(template)
        worker_spec["resourceClaims"] = [{"name": "rdma", "resourceClaimTemplateName": template["metadata"]["name"]}]
    resources: dict[str, Any] = {"limits": limits, "requests": dict(limits)} if limits else {}
    if "resourceClaims" in worker_spec:
        resources["claims"] = [{"name": "rdma"}]
    worker_container: dict[str, Any] = {"name": "worker", "image": image,
                                        "securityContext": {"capabilities": {"add": ["IPC_LOCK"]}}}
    if mpi.get("worker_command"):
        # The workers only serve mpirun's ssh: the image's entrypoint (the reference note's image), or
        # bringup_mpi.worker_command such as [/usr/sbin/sshd, -De] (mpi-operator v2 examples).
        worker_container["command"] = [str(word) for word in mpi["worker_command"]]
    if resources:
        worker_container["resources"] = resources
    worker_spec.update({
        "containers": [worker_container],
        "affinity": {
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": HOSTNAME_LABEL, "operator": "In", "values": hosts}]}]}},
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": dict(worker_meta["labels"])}, "topologyKey": HOSTNAME_LABEL}]},
        },
    })
    job = {
        "apiVersion": MPIJOB_API,
        "kind": "MPIJob",
        "metadata": {"name": name, "namespace": namespace,
                     "labels": {"app.kubernetes.io/managed-by": "bringup", "bringup.io/case": case.id}},
        "spec": {
            "slotsPerWorker": ppn,
            "mpiImplementation": "OpenMPI",
            # The launcher starts once every worker is ready, so a slow image pull is not a failed run.
            "launcherCreationPolicy": "WaitForWorkersReady",
            # No retry: a failed benchmark is a result; the deadline kills a hung one.
            "runPolicy": {"cleanPodPolicy": "Running", "backoffLimit": 0, "activeDeadlineSeconds": case.timeout_s},
            "mpiReplicaSpecs": {
                "Launcher": {"replicas": 1, "template": {"spec": {"containers": [{
                    "name": "launcher", "image": image, "command": command,
                    "env": [{"name": k, "value": v} for k, v in env.items()]}]}}},
                "Worker": {"replicas": len(nodes), "template": {"metadata": worker_meta, "spec": worker_spec}},
            },
        },
    }
    items.append(job)
    return {"apiVersion": "v1", "kind": "List", "items": items}


def mpijob_launch(case: Case, nodes: list["Node"], env: dict[str, str] | None = None, *, rail: str | None = None,
                  image: str | None = None, catalogue: Catalogue | None = None) -> Launch:
    manifest = mpijob_manifest(case, nodes, env, rail=rail, image=image, catalogue=catalogue)
    job = manifest["items"][-1]
    launcher = job["spec"]["mpiReplicaSpecs"]["Launcher"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in launcher["env"]}
    return Launch("mpijob", list(launcher["command"]), kubectl_host(nodes[0]), env, manifest=manifest,
                  timeout_s=case.timeout_s)


# ---------------------------------------------------------------------------------------------------- pairs

def _cuda(case: Case, node: "Node", rail: "Rail") -> list[str]:
    """A perftest case that needs GPUs moves GPU memory: the rail's own GPU (``--use_cuda=<index>``, perftest
    built with CUDA by the benchmarks role), the L12 GPUDirect comparison with host memory."""
    if not case.needs.gpus:
        return []
    if rail.gpu is None:
        raise LaunchError(f"inventory declares no GPU for {rail.name} on {node.name} (bringup_rails[].gpu)")
    return [f"--use_cuda={rail.gpu}"]


def pair_launch(case: Case, client: "Node", server: "Node", rail: str, *, port: int | None = None,
                catalogue: Catalogue | None = None) -> Launch:
    """perftest or iperf3 between two nodes on one rail: the server on ``server``, the client here."""
    if case.tool not in PAIR_TOOLS:
        raise LaunchError(f"{case.id}: {case.tool} runs through an MPI launcher, not as a pair")
    catalogue = catalogue or default_catalogue()
    for node in (client, server):
        _host(node.name)
    near, far = client.rail(rail), server.rail(rail)
    if far.address is None or near.address is None:
        missing = [n.name for n, r in ((client, near), (server, far)) if r.address is None]
        raise LaunchError(f"inventory gives {rail} no address on {', '.join(missing)}")
    port = port if port is not None else PORT_BASE[case.tool] + client.rails.index(near)
    binary = catalogue.binary_path(case, client)
    far_ip, near_ip = str(far.address.ip), str(near.address.ip)
    if case.tool == "perftest":
        if not near.rdma_device or not far.rdma_device:
            missing = [n.name for n, r in ((client, near), (server, far)) if not r.rdma_device]
            raise LaunchError(f"inventory declares no rdma_device for {rail} on {', '.join(missing)}")
        tos = expect.declared(client, "tos", client.fabric.tos, "bringup_fabric.tos")  # an int 0-255 (model.py)
        extra = [f"--tclass={int(tos.value)}"] if tos is not None else []
        gid = client.expect.get("roce_gid_index")
        extra += ["-x", str(int(gid))] if gid is not None else []
        near_cuda, far_cuda = _cuda(case, client, near), _cuda(case, server, far)
        server_argv = [catalogue.binary_path(case, server), "-d", far.rdma_device, *case.args, *extra, *far_cuda,
                       "-p", str(port)]
        argv = [binary, "-d", near.rdma_device, *case.args, *extra, *near_cuda, "-p", str(port), far_ip]
    else:  # iperf3: one test per server (-1), each side bound to its rail address
        server_argv = [catalogue.binary_path(case, server), "-s", "-1", "-B", far_ip, "-p", str(port)]
        argv = [binary, "-c", far_ip, "-B", near_ip, "-p", str(port), *case.args]
    return Launch("pair", argv, client.name, {}, timeout_s=case.timeout_s, server_argv=server_argv,
                  server_on=server.name)


# ---------------------------------------------------------------------------------------------------- choice

def launcher_kind(case: Case, nodes: list["Node"]) -> str:
    """pair for perftest/iperf3; else by design: D4 mpirun, D2 srun, D1/D3 mpijob, D5 by partition."""
    if case.tool in PAIR_TOOLS:
        return "pair"
    design = nodes[0].design
    if design.launcher == "mpirun":
        return "mpirun"
    if design.uses_slurm and design.uses_kubernetes:
        sides = {n.name: ("srun" if n.partition in (None, "slurm") else "mpijob") for n in nodes}
        if len(set(sides.values())) > 1:
            raise LaunchError(f"{design.id}: one benchmark cannot span the Slurm and Kubernetes partitions "
                              f"({', '.join(f'{n}={s}' for n, s in sides.items())})")
        return next(iter(sides.values()))
    return "srun" if design.uses_slurm else "mpijob"


def launch(case: Case, nodes: list["Node"], *, rail: str | None = None, image: str | None = None,
           port: int | None = None, catalogue: Catalogue | None = None) -> Launch:
    """The design's launch of ``case`` on ``nodes`` (and ``rail`` for a rail-pair case)."""
    kind = launcher_kind(case, nodes)
    if kind == "pair":
        if len(nodes) != 2 or rail is None:
            raise LaunchError(f"{case.id}: a pair launch takes two nodes and a rail")
        return pair_launch(case, nodes[0], nodes[1], rail, port=port, catalogue=catalogue)
    if kind == "mpirun":
        return mpirun_launch(case, nodes, rail=rail, catalogue=catalogue)
    if kind == "srun":
        return srun_launch(case, nodes, rail=rail, catalogue=catalogue)
    return mpijob_launch(case, nodes, rail=rail, image=image, catalogue=catalogue)


def skip_reason(case: Case, nodes: list["Node"], *, image: str | None = None) -> str | None:
    """Why ``case`` cannot be launched on ``nodes``: the catalogue's reasons (GPUs, RDMA, lab, node count),
    then the launcher's own (the image an MPIJob needs); None when it can. A pair needs no ssh between the
    nodes: the runner starts each half through that node's own transport."""
    from bringup.bench.catalogue import skip_reason as catalogue_reason

    reason = catalogue_reason(case, nodes)
    if reason:
        return reason
    try:
        kind = launcher_kind(case, nodes)
    except LaunchError as exc:
        return str(exc)
    off = [n.name for n in nodes if n.expect.get("traffic_checks") is False]
    if kind == "pair" and off:
        return f"{case.id}: bringup_expect.traffic_checks is false for {', '.join(off)} (host pair benchmarks off)"
    if kind == "mpijob" and not (image or _mpi(nodes[0]).get("image")):
        return f"{case.id} runs as an MPIJob; bringup_mpi.image (the container holding {case.tool}) is not declared"
    return None
