"""kubectl results for the checks: parsed JSON, or a failure that says what went wrong and where.

The suites see the cluster API through :class:`KubeFacts` (the ``kube`` fixture). The probe batch runs on
first use, so a check that skips never contacts the API. kubectl's own errors are turned into messages a
bring-up engineer can act on: not installed on the kubectl host, API unreachable with this
kubeconfig/context, or the failing command with kubectl's last line (``Error from server (NotFound): ...``).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from bringup.probe.prober import ProbeError, ProbeSet
from bringup.probe.transport import NodeUnreachable
from bringup.probes import Probe

# kubectl / client-go wording when the API server can't be reached or the credentials don't work, e.g.
# "The connection to the server 198.19.0.5:6443 was refused - did you specify the right host or port?",
# "Unable to connect to the server: dial tcp ...: i/o timeout", "error: context \"x\" does not exist",
# "error: You must be logged in to the server (Unauthorized)".
_UNREACHABLE = re.compile(
    r"The connection to the server .* was refused|Unable to connect to the server|dial tcp|i/o timeout|"
    r"no such host|context deadline exceeded|Unauthorized|error: context .* does not exist|"
    r"no such file or directory|invalid configuration|Client\.Timeout exceeded"
)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


class KubeFacts:
    """The kubectl subject's results for one layer; ``subject`` is None where the inventory declares no
    ``bringup_kubernetes`` block (the checks skip before asking)."""

    def __init__(self, subject: Any, probe: Callable[[], ProbeSet]):
        self.subject = subject
        self._probe = probe
        self._parsed: dict[str, Any] = {}

    def _stdout(self, key: str) -> str:
        probe_set = self._probe()
        if probe_set.error:
            raise NodeUnreachable(probe_set.error)
        res = probe_set.result(key)
        where = self.subject.where
        if res.not_found:
            raise ProbeError(f"kubectl not installed on {where} (`{res.command}`: rc 127)")
        if res.timed_out:
            raise ProbeError(f"`{res.command}` timed out on {where} ({self.subject.credentials})")
        if res.rc != 0:
            detail = _last_line(res.stderr or res.stdout)
            if _UNREACHABLE.search(res.stderr or ""):
                raise ProbeError(f"Kubernetes API unreachable from {where} with {self.subject.credentials}: "
                                 f"{detail}")
            raise ProbeError(f"`{res.command}` exited {res.rc} on {where}: {detail}")
        return res.stdout

    def parsed(self, key: str, parser: Callable[[str], Any]) -> Any:
        if key not in self._parsed:
            text = self._stdout(key)
            try:
                self._parsed[key] = parser(text)
            except ValueError as exc:
                command = self._probe().result(key).command
                raise ProbeError(f"cannot parse the output of `{command}` on {self.subject.where}: {exc}") from None
        return self._parsed[key]

    def get(self, probe: Probe) -> Any:
        """The probe's output read by its own parser (``kube.get(kubeapi.policies(kube.subject))``), like
        :meth:`bringup.probe.prober.ProbeSet.get`; parsed once per key."""
        if probe.parser is None:
            raise TypeError(f"probe {probe.key!r} declares no parser")
        return self.parsed(probe.key, probe.parser)
