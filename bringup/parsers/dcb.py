"""iproute2 ``dcb`` (kernel DCBNL), the inbox-driver equivalent of ``mlnx_qos`` for PFC and the DSCP map.
Examples (iproute2 6.x, text form; see dcb-pfc(8) and dcb-app(8))::

    $ dcb pfc show dev enp24s0np0 prio-pfc
    prio-pfc 0:off 1:off 2:off 3:on 4:off 5:off 6:off 7:off

    $ dcb -N app show dev enp24s0np0 dscp-prio
    dscp-prio 24:3 25:3 26:3 27:3 48:6

``-N`` keeps DSCP values numeric (without it dcb prints names such as ``AF31``). A full ``dcb pfc show``
adds ``pfc-cap 8 macsec-bypass off delay 0`` and counters; only the ``prio-pfc``/``dscp-prio`` words are read.
On mlx5 the port trusts DSCP as soon as one DSCP APP entry exists (the kernel's mlx5 dcbnl setapp), so an
empty ``dscp-prio`` means PCP trust.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "dcb"


@dataclass(frozen=True)
class Dcb:
    pfc: dict[int, bool] = field(default_factory=dict)  # priority -> PFC enabled
    dscp_prio: dict[int, int] = field(default_factory=dict)  # DSCP -> priority

    @property
    def pfc_enabled(self) -> list[int]:
        return [int(self.pfc.get(p, False)) for p in range(8)]

    # The same questions mlnx_qos.Qos answers, so a check can read either tool.
    @property
    def trust(self) -> str:
        return "dscp" if self.dscp_prio else "pcp"

    def prio_of_dscp(self, dscp: int) -> int | None:
        return self.dscp_prio.get(dscp)


def _pairs(words: list[str], number: int) -> list[tuple[int, str]]:
    pairs = []
    for word in words:
        key, sep, value = word.partition(":")
        if not sep or not key.isdecimal() or not value:
            raise ParseError(f"line {number}: {word!r} is not a KEY:VALUE pair (numeric keys; use `dcb -N`)")
        pairs.append((int(key), value))
    return pairs


@whole_lines
def parse(text: str) -> Dcb:
    pfc: dict[int, bool] = {}
    dscp: dict[int, int] = {}
    seen = False
    for number, raw in enumerate(lines(text), start=1):
        words = raw.split()
        if not words:
            continue
        if words[0] == "prio-pfc":
            seen = True
            for prio, value in _pairs(words[1:], number):
                if value not in ("on", "off"):
                    raise ParseError(f"line {number}: PFC state {value!r} is not on/off")
                pfc[prio] = value == "on"
        elif words[0] == "dscp-prio":
            seen = True
            for code, prio in _pairs(words[1:], number):
                if not prio.isdecimal():
                    raise ParseError(f"line {number}: priority {prio!r} is not a number")
                dscp[code] = int(prio)
        elif words[0] not in ("pfc-cap", "requests", "indications", "delay", "macsec-bypass"):
            raise ParseError(f"line {number} is not `dcb pfc|app show` output: {raw.strip()[:120]!r}")
    if not seen:
        raise ParseError("no prio-pfc or dscp-prio line: not `dcb` output (or truncated)")
    if pfc and len(pfc) != 8:
        raise ParseError(f"prio-pfc lists {len(pfc)} priorities, not 8: output truncated")
    return Dcb(pfc, dscp)
