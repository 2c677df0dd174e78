"""Helpers shared by the parsers: input normalisation and loud failure."""

from __future__ import annotations

import functools
import re
from typing import Callable, Iterator, TypeVar

# `srun -l` prefixes "0: ", `mpirun --tag-output` prefixes "[1,0]<stdout>:".
_PREFIX = re.compile(r"^(?:\d+: |\[\d+,\d+\]<std(?:out|err)>:)")


class ParseError(ValueError):
    """The text is not what the tool prints; the message quotes the first offending line."""


def require_whole_last_line(text: str) -> None:
    """A non-empty text must end with a line break, else its last line may be cut mid-way (``Speed: 4000`` from
    ``Speed: 400000Mb/s``) and no grammar can tell. Every tool we parse ends its output with a newline, and the
    batch framing (bringup/probe/batch.py) hands stdout over byte for byte, so an unterminated last line means
    the output was cut: an error, never a shorter value. A lone CR counts as a line break (CRLF cut before LF)."""
    if text and not text.endswith(("\n", "\r")):
        last = text.replace("\r", "\n").rsplit("\n", 1)[-1]
        raise ParseError(f"output ends mid-line (no newline after the last line, cut?): {last[-120:]!r}")


_Parse = TypeVar("_Parse", bound=Callable)

# A shell prompt in front of a pasted command (issue 13): `$ cmd`, `# cmd`, `user@host:~$ cmd`,
# `[root@host ~]# cmd`, `host [~]$ cmd`, `(venv) user@host:/x$ cmd`, `~# cmd`, `sh-5.1# cmd`.
_PROMPT = re.compile(
    r"^\s*(?:\([^()\s]+\)\s*)?"                                            # (venv)
    r"(?P<host>\[[^\]\s@]+@[^\]\s]+(?:\s[^\]]*)?\]"                          # [root@host ~]
    r"|[\w.-]+@[\w.-]+(?:[:\s][^$#%>\n]*?)?"                               # user@host:~, fish's user@host ~ [1]
    r"|[\w.-]+ \[[^\]]*\]"                                                  # host [~]
    r"|~[^\s$#%>]*"                                                          # ~# (the working directory only)
    r"|(?:sh|bash)-[\d.]+)?"                                                  # sh-5.1
    r"\s?(?P<sign>[$#%>]) (?P<command>\S+)")
# The next prompt, left at the end of a paste: a prompt with no command after it.
_BARE_PROMPT = re.compile(
    r"^\s*\$\s*$|^\s*(?:\[[^\]\s@]+@[^\]\s]+(?:\s[^\]]*)?\]|[\w.-]+@[\w.-]+(?:[:\s][^$#%>\n]*?)?|[\w.-]+ \[[^\]]*\])\s?[$#%>]\s*$")
_FENCE = re.compile(r"^\s*(?:```|~~~)[\w-]*\s*$")  # a Markdown code fence around a capture in a ticket
# A bare `# ` line is also how nccl-tests, nccl.conf and the MCA params file start their own output
# (`# nThread 1 ...`, `# /etc/nccl.conf: ...`), so without a user@host before it, a `#`/`%`/`>` line is a
# prompt only when the word after it is a command whose output these parsers read (or sudo in front of one).
COMMANDS = frozenset({
    "cat", "chronyc", "dcb", "dcgmi", "devlink", "dmesg", "ethtool", "getent", "grep", "ibdev2netdev",
    "ibstat", "ibv_devinfo", "ip", "ipmitool", "iperf3", "journalctl", "kubectl", "ls", "lldpctl", "lspci",
    "mlnx_qos", "mlxconfig", "mlxlink", "modinfo", "mpirun", "nvidia-smi", "ofed_info", "ompi_info", "ping",
    "rdma", "scontrol", "show_gids", "sinfo", "srun", "sudo", "sysctl", "timedatectl", "tuned-adm", "ucx_info",
    "ulimit", "unmunge", "hostname", "lscpu", "cpupower",
})


def is_prompt_line(line: str) -> bool:
    """A shell prompt with the command typed after it (``root@node01:~# ethtool eth2``, ``$ rdma stat``)."""
    match = _PROMPT.match(line)
    if not match:
        return False
    if match["host"] or match["sign"] == "$":
        return True
    return match["command"].rsplit("/", 1)[-1] in COMMANDS


def strip_capture(text: str) -> str:
    """Undo what pasting a capture into a ticket adds around a tool's output (issue 13): the prompt line(s)
    with the command before it, the bare prompt after it and Markdown code fences around it; CRLF becomes LF.
    Only lines *around* the output go (those before it become empty lines, keeping the line numbers of the
    paste), never one inside it, and the output's own blank lines stay (lspci ends each block with one), so an output line that looks like a prompt cannot vanish from a capture. The
    line-end rule holds for what is left: when a trailing prompt or fence is removed, the output before it
    was whole (its last line ended where the prompt began), so the text returned ends with a newline;
    otherwise the text keeps its own ending."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows = text.split("\n")
    noise = lambda row: bool(_FENCE.match(row)) or is_prompt_line(row)  # noqa: E731
    start = 0
    for index, row in enumerate(rows):
        if row.strip() and not noise(row):
            break
        if row.strip():
            start = index + 1  # up to and including the last prompt/fence before the output
    end = len(rows)
    for index in range(len(rows) - 1, start - 1, -1):
        row = rows[index]
        if row.strip() and not (_BARE_PROMPT.match(row) or _FENCE.match(row)):
            break
        if row.strip():
            end = index  # from the first prompt/fence after the output on
    if start == 0 and end == len(rows):
        return text
    # The dropped lines before the output stay as empty lines, so an error's "line N" is the line of the paste.
    body = "\n".join([""] * start + rows[start:end])
    return body + "\n" if body and end < len(rows) else body  # a row dropped at the end: the one before it ended


def whole_lines(parse: _Parse | None = None, *, closing: "re.Pattern[str] | None" = None):
    """Decorator for a line-oriented ``parse(text, ...)``: the text is freed of paste noise first
    (``strip_capture``), and the result counts only if it ends with a line break (``require_whole_last_line``).
    Checked after parsing, so a parser's own, more precise truncation message wins. JSON and XML parsers
    don't need it: their syntax proves the end of the document.

    ``closing``: the tool's known last line (a table's bottom border, ``Link detected: yes``). A pasted
    capture often loses its final newline; when the unterminated last line matches ``closing`` in full it
    cannot be a cut, so it is accepted. Any other unterminated last line stays a ParseError: a pasted capture
    without its final newline is read only when its end is provable (issue 13 decision): the fix for a
    whole capture is one keystroke (add the newline), while a silently shorter value (``Speed: 4000`` from
    ``400000Mb/s``, a counter cut from 184467 to 18) would be read as a real, wrong measurement."""

    def decorate(parse: _Parse) -> _Parse:
        @functools.wraps(parse)
        def checked(text: str, *args, **kwargs):
            text = strip_capture(text)
            result = parse(text, *args, **kwargs)
            if not closed_by(text, closing):
                require_whole_last_line(text)
            return result

        checked.reads_pastes = True  # type: ignore[attr-defined]  # tests/parsers/test_capture_noise.py finds these
        return checked  # type: ignore[return-value]

    return decorate(parse) if parse is not None else decorate


def closed_by(text: str, closing: "re.Pattern[str] | None") -> bool:
    """The text's last line has no newline but is, in full, the tool's known closing line ``closing``."""
    if closing is None or not text or text.endswith(("\n", "\r")):
        return False
    return bool(closing.fullmatch(text.rsplit("\n", 1)[-1].strip()))


def lines(text: str, strip_prefixes: bool = True) -> list[str]:
    """Split, dropping CRLF and launcher prefixes."""
    out = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if strip_prefixes:
        out = [_PREFIX.sub("", line) for line in out]
    return out


def assignments(text: str, pattern: "re.Pattern[str]", what: str) -> "Iterator[re.Match[str]]":
    """The matches of ``pattern`` on every line of a ``name=value`` file, skipping blank and ``#`` lines; a line
    that doesn't match is a ParseError naming it (``what`` says what the line should have been)."""
    for number, line in enumerate(lines(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = pattern.match(stripped)
        if not match:
            raise ParseError(f"line {number} is not {what}: {stripped[:120]!r}")
        yield match


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ParseError(message)
