"""testinfra's paramiko backend, with host-key checking kept on.

testinfra's own paramiko backend accepts unknown host keys with a warning and never reads a known_hosts file.
bringup never turns checking off by itself: this backend reads ~/.ssh/known_hosts plus any
``-o UserKnownHostsFile=...`` from the inventory's ssh arguments and rejects unknown keys, unless the
inventory itself says ``-o StrictHostKeyChecking=no``.
"""

from __future__ import annotations

import functools
import os

import paramiko
from testinfra.backend.paramiko import ParamikoBackend
from testinfra.host import Host


def ssh_options(args: tuple[str, ...]) -> dict[str, str]:
    """``("-o", "A=b", "-oC=d")`` -> {"a": "b", "c": "d"} (ssh option names are case-insensitive)."""
    options: dict[str, str] = {}
    words = iter(args)
    for word in words:
        if word == "-o":
            word = next(words, "")
        elif word.startswith("-o"):
            word = word[2:]
        else:
            continue
        key, _, value = word.partition("=")
        options[key.strip().lower()] = value.strip()
    return options


class CheckedParamikoBackend(ParamikoBackend):
    def __init__(self, hostspec: str, known_hosts: list[str], strict: bool, **kwargs):
        self.known_hosts = known_hosts
        self.strict = strict
        super().__init__(hostspec, **kwargs)

    @functools.cached_property
    def client(self) -> paramiko.SSHClient:
        client = paramiko.SSHClient()
        client.load_system_host_keys()
        for path in self.known_hosts:
            client.load_host_keys(os.path.expanduser(path))
        client.set_missing_host_key_policy(paramiko.RejectPolicy() if self.strict else paramiko.WarningPolicy())
        client.connect(
            hostname=self.host.name,
            port=int(self.host.port) if self.host.port else 22,
            username=self.host.user,
            key_filename=self.ssh_identity_file,
            timeout=self.timeout,
            # With a declared key, use only it (as ssh -i with IdentitiesOnly); else the agent and ~/.ssh keys.
            allow_agent=self.ssh_identity_file is None,
            look_for_keys=self.ssh_identity_file is None,
        )
        return client


def checked_paramiko_host(hostspec: str, conn, timeout: int) -> Host:
    options = ssh_options(conn.ssh_args)
    known = [p for p in options.get("userknownhostsfile", "").split() if os.path.exists(os.path.expanduser(p))]
    strict = options.get("stricthostkeychecking", "yes").lower() != "no"
    backend = CheckedParamikoBackend(hostspec, known, strict, ssh_identity_file=conn.identity_file, timeout=timeout)
    return Host(backend)
