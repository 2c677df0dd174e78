"""What never leaves the controller: secrets found by the variable's name and by the value's shape.

A run directory is shared (CI artifacts, tickets, nightly dashboards), so everything bringup writes there
(meta.json, results.jsonl, the inventory snapshot) goes through :class:`Redactor` first.

*By name*: a key is split into words (``ansible_become_pass`` -> ansible/become/pass, ``clientKey`` ->
client/key) and is secret when a word is a password/secret/token/credential word, when its last word is
``key`` (``*_key``: api_key, ssh_private_key, aws_secret_access_key; also ``client-key-data``) or when
it starts with ``jwt``. Whole
words, so ``passed``, ``bypass`` and ``passthrough`` are not secrets; a key *file* (``..._key_file``) is a
path, not a secret, and stays readable.

*By value*: PEM blocks, kubeconfig documents, ``Bearer``/``Basic`` credentials, JWTs, the password of
``sshpass -p``, the password in ``scheme://user:password@host``, and ``NAME=value`` / ``NAME: value``
assignments whose NAME is secret by the rule above (an ``env`` dump, an inline YAML/JSON fragment).

*Site-marked environment*: ``BRINGUP_SECRET_ENV`` on the controller names more environment variables
(comma or space separated) whose assignments are redacted wherever they appear and whose controller values
are replaced literally; it needs no inventory change. Values of secret inventory keys are replaced literally
too once seen (:meth:`Redactor.learn`), so a password echoed back in a probe's message is caught.
"""

from __future__ import annotations

import os
import re
from typing import Any

REDACTED = "<redacted by bringup>"
SECRET_ENV_VARIABLE = "BRINGUP_SECRET_ENV"

SECRET_WORDS = frozenset({
    "pass", "passwd", "password", "passphrase", "secret", "secrets", "token", "tokens",
    "credential", "credentials", "apikey", "privatekey", "jwt",
})
# Shorter literal values are not replaced everywhere: "root" or "1234" would maul every message.
MIN_LITERAL = 6

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_VALUE = r"(?!" + re.escape(REDACTED) + r")(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"',;}\]]+)"
# A name starts only where a word starts: without the lookbehind a long token (a base64 blob) would be
# rescanned from every offset, quadratic in its length.
_ASSIGNMENT = re.compile(r"(?<![\w.-])(?P<name>[A-Za-z_][\w.-]{0,127})(?P<sep>\"?\s*[=:]\s*)"
                         r"(?P<value>" + _VALUE + ")")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|\Z)", re.DOTALL)
_KUBECONFIG = re.compile(r"^[ \t]*kind:[ \t]*[\"']?Config[\"']?[ \t]*$", re.MULTILINE)
_KUBECONFIG_PARTS = re.compile(r"^[ \t]*(clusters|users|contexts):", re.MULTILINE)
_AUTH_HEADER = re.compile(r"\b(?P<scheme>[Bb]earer|[Bb]asic)\s+(?P<value>[A-Za-z0-9._~+/=-]{8,})")
_JWT = re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_SSHPASS = re.compile(r"(?P<head>\bsshpass\b(?:\s+-[de])?\s+-p\s*)(?P<value>" + _VALUE + ")")
_URL_PASSWORD = re.compile(r"(?P<head>(?<![\w+.-])[a-z][a-z0-9+.-]{0,31}://[^/\s:@]{1,256}:)"
                           r"(?P<value>[^@\s/]{1,256})(?=@)")


def words(name: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(name)]


def secret_key(name: Any) -> bool:
    """Is a variable (or environment variable) of this name a secret? See the module docstring."""
    parts = words(str(name))
    if not parts:
        return False
    # "key" last (api_key), or "key" before "data" (a kubeconfig's client-key-data holds the private key).
    return (parts[-1] == "key" or parts[-2:] == ["key", "data"] or parts[0].startswith("jwt")
            or any(p in SECRET_WORDS for p in parts))


class Redactor:
    """Redacts by key and by value; remembers secret values it has seen so later text loses them too."""

    def __init__(self, secret_env: list[str] | None = None, environ: dict[str, str] | None = None):
        environ = os.environ if environ is None else environ
        if secret_env is None:
            secret_env = re.split(r"[\s,]+", environ.get(SECRET_ENV_VARIABLE, "").strip())
        self.secret_names = frozenset(n for n in secret_env if n)
        self.values: set[str] = set()
        for name in self.secret_names:
            self.learn(environ.get(name))

    def learn(self, value: Any) -> None:
        """Remember a secret value (an inventory password, a marked env value) for literal replacement."""
        if isinstance(value, str) and len(value.strip()) >= MIN_LITERAL and value != REDACTED:
            self.values.add(value.strip())

    def is_secret(self, name: Any) -> bool:
        return secret_key(name) or str(name) in self.secret_names

    def text(self, text: str) -> str:
        """``text`` with every secret-shaped value replaced by REDACTED."""
        if _KUBECONFIG.search(text) and len(_KUBECONFIG_PARTS.findall(text)) >= 2:
            return REDACTED  # a whole kubeconfig: certificates, keys, tokens, exec plugins
        text = _PEM.sub(REDACTED, text)
        text = _SSHPASS.sub(lambda m: m["head"] + REDACTED, text)
        text = _URL_PASSWORD.sub(lambda m: m["head"] + REDACTED, text)
        text = _AUTH_HEADER.sub(lambda m: f"{m['scheme']} {REDACTED}", text)
        text = _JWT.sub(REDACTED, text)
        text = _ASSIGNMENT.sub(self._assignment, text)
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        return text

    def _assignment(self, match: re.Match) -> str:
        if not self.is_secret(match["name"]):
            return match[0]
        value = match["value"]
        quote = value[0] if value[0] in "\"'" else ""  # keep a quoted value quoted (JSON stays JSON)
        return f"{match['name']}{match['sep']}{quote}{REDACTED}{quote}"

    def data(self, value: Any) -> Any:
        """A copy of nested dicts/lists/strings with secret keys' values and secret-shaped strings redacted."""
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if self.is_secret(key) and item not in (None, ""):
                    self._learn_all(item)
                    out[key] = REDACTED
                else:
                    out[key] = self.data(item)
            return out
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def _learn_all(self, value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                self._learn_all(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self._learn_all(item)
        else:
            self.learn(value)


def redact(value: Any) -> Any:
    """One-off redaction with a fresh :class:`Redactor` (the controller's BRINGUP_SECRET_ENV applies)."""
    return Redactor().data(value)
