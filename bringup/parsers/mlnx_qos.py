"""``mlnx_qos -i <if>`` (MLNX_OFED/DOCA). Example (DOCA 2.x, trust dscp, PFC on priority 3; format as in
NVIDIA's MLNX_OFED "Quality of Service" / mlnx_qos pages, abridged)::

    DCBX mode: OS controlled
    Priority trust state: dscp
    dscp2prio mapping:
    	prio:0 dscp:07,06,05,04,03,02,01,00,
    	prio:3 dscp:31,30,29,28,27,26,25,24,
    default priority:
    Receive buffer size (bytes): 130944,130944,0,0,0,0,0,0,max_buffer_size=2097152
    Cable len: 7
    PFC configuration:
    	priority    0   1   2   3   4   5   6   7
    	enabled     0   0   0   1   0   0   0   0
    	buffer      0   0   0   1   0   0   0   0
    tc: 0 ratelimit: unlimited, tsa: vendor
    	 priority:  1
    tc: 3 ratelimit: unlimited, tsa: ets, bw: 50%
    	 priority:  3

With ``trust pcp`` there is no dscp2prio section. MLNX_OFED 4.x printed ``tc: 0 ratelimit: ..., tsa: ets,
bw: 10%`` with the priorities on the next line, as here. The ``PFC configuration`` ``enabled`` row is
required (its absence means truncation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bringup.parsers.common import ParseError, lines, whole_lines

TOOL = "mlnx_qos"

_DSCP_ROW = re.compile(r"^prio:(\d+) dscp:((?:\d+,)*\d*)$")  # mlnx_qos ends each row with a comma
_TC = re.compile(r"^tc: (\d+) ratelimit: ([^,]+), tsa: (\w+)(?:, bw: (\d+)%)?")


@dataclass
class Qos:
    trust: str
    dscp2prio: dict[int, list[int]] = field(default_factory=dict)  # prio -> dscp values
    pfc_enabled: list[int] = field(default_factory=list)  # 8 flags, index = priority
    pfc_buffer: list[int] = field(default_factory=list)
    cable_len: int | None = None
    tcs: dict[int, dict] = field(default_factory=dict)  # tc -> {tsa, bw, priorities}
    dcbx: str | None = None

    def prio_of_dscp(self, dscp: int) -> int | None:
        return next((prio for prio, values in self.dscp2prio.items() if dscp in values), None)


def _row(words: list[str], number: int) -> list[int]:
    if len(words) != 9 or not all(w.isdecimal() for w in words[1:]):
        raise ParseError(f"line {number}: PFC row needs 8 values: {' '.join(words)[:120]!r}")
    return [int(w) for w in words[1:]]


@whole_lines
def parse(text: str) -> Qos:
    fields: dict[str, str] = {}
    dscp2prio: dict[int, list[int]] = {}
    pfc: dict[str, list[int]] = {}
    tcs: dict[int, dict] = {}
    tc = None
    for number, raw in enumerate(lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        words = line.split()
        if line.startswith("prio:"):
            row = _DSCP_ROW.match(line)
            if not row:
                raise ParseError(f"line {number} is not a dscp2prio row (prio:N dscp:D,D,...): {line[:120]!r}")
            dscp2prio[int(row[1])] = [int(d) for d in row[2].split(",") if d]
        elif words[0] in ("enabled", "buffer"):
            pfc[words[0]] = _row(words, number)
        elif words[0] == "priority" and len(words) == 9:
            continue  # the PFC header row
        elif (match := _TC.match(line)):
            tc = int(match[1])
            tcs[tc] = {"ratelimit": match[2], "tsa": match[3], "bw": int(match[4]) if match[4] else None,
                       "priorities": []}
        elif line.startswith("priority:") and tc is not None:
            priorities = line.split(":", 1)[1].split()
            if not all(p.isdecimal() for p in priorities):
                raise ParseError(f"line {number}: the priorities of tc {tc} are not numbers: {line[:120]!r}")
            tcs[tc]["priorities"] += [int(p) for p in priorities]
        elif ":" in line:
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        else:
            raise ParseError(f"line {number} is not `mlnx_qos` output: {line[:120]!r}")
    if "Priority trust state" not in fields:
        raise ParseError("no 'Priority trust state' line: not `mlnx_qos -i` output")
    if "enabled" not in pfc:
        raise ParseError("no PFC 'enabled' row: output truncated")
    cable = fields.get("Cable len")
    return Qos(fields["Priority trust state"], dscp2prio, pfc["enabled"], pfc.get("buffer", []),
               int(cable) if cable and cable.isdecimal() else None, tcs, fields.get("DCBX mode"))
