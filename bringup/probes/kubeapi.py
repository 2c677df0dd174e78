"""L10 Kubernetes-API probes: the SR-IOV operator's node states, policies and pool configs, and each node's
allocatable resources (layers.md L10 rows Operator sync, Policy, Allocatable, RDMA mode).

These are cluster-scoped facts, so they are not part of any node's plan. kubectl needs a kubeconfig, and GPU
workers usually have none; it runs where ``bringup_kubernetes`` says: on the controller (where pytest runs,
through the local transport), or on ``kubectl_host``, an inventory host reached through its own transport.
Either way the commands run as one batch, once per run (per xdist worker), recorded under
``probes/kubectl@<where>/l10.json`` like a node's, so ``--replay`` serves exactly the JSON kubectl printed.
Example commands (every inventory value shell-quoted)::

    kubectl --request-timeout=20s --kubeconfig "$HOME"/.kube/config --context gpu-prod get sriovnetworknodestates -n nvidia-network-operator -o json
    kubectl --request-timeout=20s --kubeconfig "$HOME"/.kube/config --context gpu-prod get node node01 -o json
"""

from __future__ import annotations

from dataclasses import dataclass
from shlex import quote
from typing import TYPE_CHECKING, Any

from bringup.model import Kubernetes
from bringup.parsers import kubectl_node, kubectl_nodestates, kubectl_policies, kubectl_poolconfigs
from bringup.probes import Probe

if TYPE_CHECKING:
    from bringup.inventory import Cluster, Node

# Where each operator distribution deploys, and the prefix its device plugin advertises resources under:
# upstream deployment/sriov-network-operator-chart/values.yaml (resourcePrefix "openshift.io", namespace
# sriov-network-operator in doc/quickstart.md); NVIDIA Network Operator values.yaml ("nvidia.com",
# namespace nvidia-network-operator).
DEFAULTS = {
    "sriov-network-operator": ("sriov-network-operator", "openshift.io"),
    "nvidia-network-operator": ("nvidia-network-operator", "nvidia.com"),
}
# kubectl waits for a silent API server as long as TCP does; answer well inside the probe timeout instead
# (kubectl global flag --request-timeout).
REQUEST_TIMEOUT = "20s"
# The layers whose checks read the cluster API (the `kube` fixture); a recorded run holds them only.
LAYERS = frozenset({10})


@dataclass(frozen=True)
class _Controller:
    """The machine pytest runs on, as a transport target."""

    name: str = "controller"

    @property
    def connection(self):
        from bringup.inventory import Connection

        return Connection(kind="local", host="localhost")


@dataclass(frozen=True)
class KubectlSubject:
    """Where kubectl runs and with what; duck-types as a node for the prober (``name``)."""

    config: Kubernetes
    host: Any  # the inventory Node that runs kubectl, or the controller

    @property
    def name(self) -> str:
        return f"kubectl@{self.host.name}"

    @property
    def where(self) -> str:
        if isinstance(self.host, _Controller):
            return "the controller (where pytest runs)"
        return f"{self.host.name} (bringup_kubernetes.kubectl_host)"

    @property
    def namespace(self) -> str:
        return self.config.namespace or DEFAULTS[self.config.operator][0]

    @property
    def prefix(self) -> str:
        return self.config.resource_prefix or DEFAULTS[self.config.operator][1]

    @property
    def credentials(self) -> str:
        """The kubeconfig and context, for messages about an unreachable API."""
        return (f"kubeconfig {self.config.kubeconfig or 'kubectl default ($KUBECONFIG or ~/.kube/config)'}, "
                f"context {self.config.context or '(current-context)'}")

    def k8s_name(self, node: "Node") -> str:
        return self.config.node_names.get(node.name, node.name)

    def transport(self, backend: str | None, inventory_path):
        from bringup.probe.transport import TestinfraTransport

        if isinstance(self.host, _Controller):
            return TestinfraTransport(self.host, "local")
        return TestinfraTransport(self.host, backend, inventory_path)


def _path(path: str) -> str:
    """A kubeconfig path for the shell: ``~/x`` is the kubectl host's $HOME, the rest stays one quoted word
    (expanding it here would tie the recorded command to this machine's home)."""
    if path.startswith("~/"):
        return '"$HOME"/' + quote(path[2:])
    return quote(path)


def kubectl(subject: KubectlSubject, *args: str) -> str:
    """Every inventory value reaches kubectl as a value, never as a flag: ``--kubeconfig``/``--context`` take
    the next word as their value whatever it starts with (spf13/pflag, a non-boolean long flag), and the
    operands (namespace, node names) are validated on load as RFC 1123 names, which cannot start with '-'
    (bringup.model.Kubernetes, bringup.model.host_name_problem)."""
    words = ["kubectl", f"--request-timeout={REQUEST_TIMEOUT}"]
    if subject.config.kubeconfig:
        words += ["--kubeconfig", _path(subject.config.kubeconfig)]
    if subject.config.context:
        words += ["--context", quote(subject.config.context)]
    return " ".join(words + [quote(a) for a in args])


def node_states(subject: KubectlSubject) -> Probe:
    return Probe("k8s-sriov-nodestates", kubectl(subject, "get", "sriovnetworknodestates", "-n", subject.namespace,
                                                 "-o", "json"), parser=kubectl_nodestates.parse)


def policies(subject: KubectlSubject) -> Probe:
    return Probe("k8s-sriov-policies", kubectl(subject, "get", "sriovnetworknodepolicies", "-n", subject.namespace,
                                               "-o", "json"), parser=kubectl_policies.parse)


def pool_configs(subject: KubectlSubject) -> Probe:
    return Probe("k8s-sriov-poolconfigs", kubectl(subject, "get", "sriovnetworkpoolconfigs", "-n",
                                                  subject.namespace, "-o", "json"), parser=kubectl_poolconfigs.parse)


def node_object(subject: KubectlSubject, node: "Node") -> Probe:
    return Probe(f"k8s-node-{node.name}", kubectl(subject, "get", "node", subject.k8s_name(node), "-o", "json"),
                 parser=kubectl_node.parse)


def applies(node: "Node") -> bool:
    """A Kubernetes node with planned VFs: D1, and the K8s side of D5 where VFs are planned."""
    return node.partition != "slurm" and any(rail.sriov_vfs for rail in node.rails)


def plan(subject: KubectlSubject, nodes: list["Node"]) -> list[Probe]:
    targets = [n for n in nodes if applies(n)]
    if not targets:
        return []
    probes = [node_states(subject), policies(subject)]
    if subject.config.rdma_mode:
        probes.append(pool_configs(subject))
    return probes + [node_object(subject, n) for n in targets]


def subject(cluster: "Cluster") -> KubectlSubject | None:
    """The cluster's kubectl subject, or None where no host declares ``bringup_kubernetes``.

    Raises InventoryError where hosts declare different blocks (one cluster API per inventory) or
    ``kubectl_host`` is not an inventory host.
    """
    from bringup.inventory import InventoryError

    declared = {n.name: n.kubernetes for n in cluster.nodes if n.kubernetes is not None}
    if not declared:
        return None
    distinct = {v.model_dump_json() for v in declared.values()}
    if len(distinct) > 1:
        raise InventoryError(f"{cluster.path}: bringup_kubernetes differs between hosts "
                             f"({', '.join(sorted(declared))}); one inventory is one cluster API")
    config = next(iter(declared.values()))
    if config.kubectl_host is None:
        return KubectlSubject(config, _Controller())
    try:
        return KubectlSubject(config, cluster.node(config.kubectl_host))
    except KeyError:
        raise InventoryError(f"{cluster.path}: bringup_kubernetes.kubectl_host {config.kubectl_host!r} is not a "
                             f"host of the inventory (hosts: {', '.join(n.name for n in cluster.nodes)})") from None
