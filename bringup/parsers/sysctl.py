"""``sysctl k1 k2`` / ``sysctl -a``: ``key = value`` lines. Example (procps-ng 4.x)::

    net.ipv4.conf.all.arp_ignore = 1
    net.ipv4.conf.all.arp_announce = 2
    net.ipv4.conf.all.rp_filter = 2
    net.ipv4.conf.enp24s0np0.rp_filter = 0

``sysctl -a`` also prints multi-word values (``net.ipv4.ip_local_port_range = 32768	60999``); they are
kept as text. A key that does not exist goes to stderr ("cannot stat"), so it is simply absent here.
A key containing "/" stands for a dot inside an interface name (``net.ipv4.conf.eth0/10.rp_filter``).
"""

from __future__ import annotations

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "sysctl"


@whole_lines
def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition(" = ")
        if not sep:
            if line.endswith(" ="):  # empty value, e.g. kernel.domainname on some hosts
                key, value = line[:-2], ""
            else:
                raise ParseError(f"line {number} is not a sysctl 'key = value' line: {line[:120]!r}")
        if not key or " " in key:
            raise ParseError(f"line {number}: bad sysctl key {key[:80]!r}")
        values[key] = value.strip()
    return values


def parse_int(text: str) -> dict[str, int]:
    try:
        return {k: int(v) for k, v in parse(text).items()}
    except ValueError as exc:
        raise ParseError(f"non-integer sysctl value: {exc}") from None
